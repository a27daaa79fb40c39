import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Starts a PUT and sends only the first half of its body: the request is in flight (headers read, handler not yet
 * run) until `finish` sends the rest. Nothing in the server is changed for the test: a slow client is the slow request.
 */
function halfSentPut(s: TestServer, path: string, token: string, body: string, agent?: https.Agent) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  let req!: ReturnType<typeof https.request>;
  const response = new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
    req = https.request(`${s.url}${path}`, {
      method: 'PUT',
      ca: fs.readFileSync(s.caCertPath),
      // A keep-alive client by default asks for nothing, so `connection: close` on the answer is the server's doing.
      agent: agent ?? false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(bytes.length) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, half));
  });
  return { response, finish: () => req.end(bytes.subarray(half)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('close lets an in-flight request finish, refuses new connections meanwhile, then closes the database', async () => {
  const s = await startTestServer();
  const token = await s.token();
  const path = `/subscriptions/${s.subscriptionId}/resourcegroups/drain-rg?api-version=2024-03-01`;
  const keepAlive = new https.Agent({ keepAlive: true, ca: fs.readFileSync(s.caCertPath) });
  // The connection first answers a request and stays open, as a load balancer's pooled connection would.
  const before = await new Promise<string | undefined>((resolve, reject) =>
    https.get(`${s.url}/healthz`, { agent: keepAlive }, (r) => (r.resume(), r.on('end', () => resolve(r.headers.connection)))).on('error', reject),
  );
  assert.equal(before, 'keep-alive');
  const upload = halfSentPut(s, path, token, JSON.stringify({ location: 'westus', tags: { purpose: 'a request still uploading at shutdown' } }), keepAlive);
  await sleep(200);

  let closed = false;
  const closing = s.running.close().then(() => (closed = true));
  await sleep(200);
  assert.equal(closed, false, 'close waits for the request in flight');
  await assert.rejects(s.raw('GET', '/healthz'), /ECONNREFUSED/, 'no new connections once shutdown starts');

  upload.finish();
  const res = await upload.response;
  assert.equal(res.status, 201, res.text);
  assert.equal(res.connection, 'close', 'the client is told to go elsewhere');
  await closing;
  keepAlive.destroy();

  // The write committed before the database closed: it is there after a restart.
  await s.restart();
  try {
    assert.equal((await s.arm('GET', path)).status, 200);
  } finally {
    await s.close();
  }
});

test('the grace period bounds the wait: a request that never finishes is cut and close returns', async () => {
  const s = await startTestServer({ extra: { shutdownGraceSeconds: 1 } });
  const token = await s.token();
  const upload = halfSentPut(s, `/subscriptions/${s.subscriptionId}/resourcegroups/stuck-rg?api-version=2024-03-01`, token, JSON.stringify({ location: 'westus' }));
  const outcome = upload.response.then(() => 'answered', () => 'cut');
  await sleep(200);
  const started = Date.now();
  await s.running.close();
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `close took ${took} ms`);
  assert.equal(await outcome, 'cut');
  await s.restart();
  try {
    assert.equal((await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/stuck-rg?api-version=2024-03-01`)).status, 404, 'the half-sent write changed nothing');
  } finally {
    await s.close();
  }
});
