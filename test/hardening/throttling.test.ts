import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArmThrottle, AZURE_THROTTLE_LIMITS, categoryOf } from '../../src/arm/throttling.js';
import { openDatabase } from '../../src/store/database.js';
import { NodeHeartbeat } from '../../src/server/nodeHeartbeat.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startPostgresForFile } from '../support/postgres.js';

test("Azure's figures: reads 250 at once then 25/s, writes and deletes 200 then 10/s, per scope and principal", () => {
  let now = 0;
  const t = new ArmThrottle(AZURE_THROTTLE_LIMITS, () => now);
  for (let i = 0; i < 250; i++) assert.ok(t.admit('sub', 'p', 'reads').ok);
  const refused = t.admit('sub', 'p', 'reads');
  assert.deepEqual(refused, { ok: false, remaining: 0, retryAfterSeconds: 1 });
  // Other principals, scopes and categories have their own buckets.
  assert.deepEqual(t.admit('sub', 'q', 'reads'), { ok: true, remaining: 249 });
  assert.deepEqual(t.admit('other', 'p', 'reads'), { ok: true, remaining: 249 });
  assert.deepEqual(t.admit('sub', 'p', 'writes'), { ok: true, remaining: 199 });
  now += 1000;
  for (let i = 0; i < 25; i++) assert.ok(t.admit('sub', 'p', 'reads').ok, `refill ${i}`);
  assert.equal(t.admit('sub', 'p', 'reads').ok, false);
  for (let i = 0; i < 199; i++) t.admit('sub', 'p', 'deletes');
  assert.equal(t.admit('sub', 'p', 'deletes').ok, true);
  const d = t.admit('sub', 'p', 'deletes');
  assert.equal(d.ok, false);
  assert.equal(d.ok === false && d.retryAfterSeconds, 1);
});

test('with N live nodes each node holds 1/N of every bucket (burst and refill)', () => {
  let now = 0;
  const t = new ArmThrottle({ reads: { burst: 10, perSecond: 2 }, writes: { burst: 10, perSecond: 2 }, deletes: { burst: 10, perSecond: 2 } }, () => now);
  t.setNodes(2);
  let admitted = 0;
  while (t.admit('s', 'p', 'writes').ok) admitted++;
  assert.equal(admitted, 5);
  const refused = t.admit('s', 'p', 'writes');
  assert.equal(refused.ok === false && refused.retryAfterSeconds, 1);
  now += 1000;
  assert.ok(t.admit('s', 'p', 'writes').ok, 'one token a second per node');
  assert.equal(t.admit('s', 'p', 'writes').ok, false);
});

test('methods map to ARM categories', () => {
  assert.deepEqual(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'].map(categoryOf), ['reads', 'reads', 'writes', 'writes', 'writes', 'deletes']);
});

test('the buckets are bounded: idle ones are dropped first', () => {
  const t = new ArmThrottle(AZURE_THROTTLE_LIMITS, () => 0, 3);
  for (const p of ['a', 'b', 'c', 'd']) t.admit('s', p, 'reads');
  // 'a' was dropped and starts full again.
  assert.equal((t.admit('s', 'a', 'reads') as { remaining: number }).remaining, 249);
});

test('nodes heartbeat in the shared database and each sees how many are live', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-nodes-'));
  const database = await openDatabase(path.join(dir, 'amity.db'));
  try {
    const counts = { a: 0, b: 0 };
    const a = new NodeHeartbeat(database, (n) => (counts.a = n), () => undefined);
    const b = new NodeHeartbeat(database, (n) => (counts.b = n), () => undefined);
    await a.start();
    assert.equal(counts.a, 1);
    await b.start();
    assert.equal(counts.b, 2);
    await b.stop();
    const rows = await database.db.selectFrom('nodes').selectAll().execute();
    assert.deepEqual(rows.map((r) => r.node_id), [a.nodeId], 'a stopped node removes its row');
    await a.stop();
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

let s: TestServer;
let off: TestServer;
before(async () => {
  s = await startTestServer({ extra: { throttling: { reads: { burst: 5, perSecond: 1 }, writes: { burst: 3, perSecond: 1 } } } });
  off = await startTestServer();
});
after(async () => {
  await s?.close();
  await off?.close();
});

test('throttling on: remaining headers count down, then 429 TooManyRequests with Retry-After', async () => {
  const sub = `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`;
  const remaining: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await s.arm('GET', sub);
    assert.equal(res.status, 200);
    remaining.push(String(res.headers['x-ms-ratelimit-remaining-subscription-reads']));
  }
  assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
  const res = await s.arm('GET', sub);
  assert.equal(res.status, 429);
  assert.equal(res.headers['retry-after'], '1');
  assert.equal(res.headers['x-ms-ratelimit-remaining-subscription-reads'], '0');
  assert.equal(res.body.error.code, 'TooManyRequests');
  assert.match(res.body.error.message, new RegExp(`^Number of 'read' requests for subscription '${s.subscriptionId}' actor '[0-9a-f-]{36}' exceeded the limit\\. Please try again after '1' seconds\\.$`));
  assert.ok(res.headers['x-ms-request-id'] && res.headers['x-ms-correlation-request-id'], 'tracing headers on a 429 too');

  // Writes have their own bucket; requests without a subscription use the tenant's.
  const put = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/throttled?api-version=2024-03-01`, { location: 'westus' });
  assert.equal(put.status, 201);
  assert.equal(put.headers['x-ms-ratelimit-remaining-subscription-writes'], '2');
  const del = await s.arm('DELETE', `/subscriptions/${s.subscriptionId}/resourcegroups/throttled?api-version=2024-03-01`);
  assert.ok(del.status === 200 || del.status === 202, del.text);
  assert.equal(del.headers['x-ms-ratelimit-remaining-subscription-deletes'], '199', 'deletes keep the default limit');
  // Once the caller's token is known, a refusal is decided before the body is read: a malformed body gets the 429
  // (the 400 it would otherwise earn needs parsing), so a throttled burst costs the server next to nothing.
  const writeUrl = `/subscriptions/${s.subscriptionId}/resourcegroups/throttled-2?api-version=2024-03-01`;
  for (let i = 0; i < 3; i++) if ((await s.arm('PUT', writeUrl, '{"location": broken')).status === 429) break;
  const early = await s.arm('PUT', writeUrl, '{"location": broken');
  assert.equal(early.status, 429, early.text);
  assert.equal(early.body.error.code, 'TooManyRequests');
  assert.equal(early.headers['retry-after'], '1');
  assert.equal(early.headers['x-ms-ratelimit-remaining-subscription-writes'], '0');
  const tenants = await s.arm('GET', '/tenants?api-version=2022-12-01');
  assert.equal(tenants.headers['x-ms-ratelimit-remaining-tenant-reads'], '4');

  // Unauthenticated requests are refused before any bucket is touched.
  assert.equal((await s.raw('GET', sub)).status, 401);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await s.arm('GET', sub)).status, 200, 'the bucket refills');
  const metrics = await s.raw('GET', '/metrics');
  assert.match(metrics.text, /amity_arm_throttled_requests_total\{category="reads"\} 1/);
});

test('throttling off (the default): no ratelimit headers, nothing refused', async () => {
  const res = await off.arm('GET', `/subscriptions/${off.subscriptionId}?api-version=2022-12-01`);
  assert.equal(res.status, 200);
  assert.equal(Object.keys(res.headers).filter((h) => h.startsWith('x-ms-ratelimit')).length, 0);
});

test('two nodes on one PostgreSQL each take half of the limits, and the whole again when the other stops', async (t) => {
  const cluster = await startPostgresForFile();
  if ('skip' in cluster) return t.skip(cluster.skip);
  const keyEncryptionKey = crypto.randomBytes(32).toString('hex');
  const throttling = { reads: { burst: 10, perSecond: 0.1 } };
  const a = await startTestServer({ database: cluster.url, extra: { keyEncryptionKey, throttling } });
  const bDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-throttle-b-'));
  let b: TestServer | undefined;
  try {
    b = await startTestServer({ database: cluster.url, dataDir: bDir, extra: { keyEncryptionKey, publicUrl: a.url, throttling }, joining: a });
    // B saw two nodes when it started; A sees B at its next heartbeat (every 5 s).
    await until(() => a.running.context.throttle?.nodes === 2, 7000);
    assert.equal(b.running.context.throttle?.nodes, 2);
    const sub = `/subscriptions/${a.subscriptionId}?api-version=2022-12-01`;
    const token = await a.token();
    const read = (s: TestServer) => s.raw('GET', sub, { headers: { authorization: `Bearer ${token}` } });
    for (const node of [a, b]) {
      const remaining: string[] = [];
      for (let i = 0; i < 5; i++) remaining.push(String((await read(node)).headers['x-ms-ratelimit-remaining-subscription-reads']));
      assert.deepEqual(remaining, ['4', '3', '2', '1', '0'], 'each node holds half of the burst of 10');
      assert.equal((await read(node)).status, 429);
    }
    await b.close();
    b = undefined;
    await until(() => a.running.context.throttle?.nodes === 1, 7000);
  } finally {
    await b?.close();
    fs.rmSync(bDir, { recursive: true, force: true });
    await a.close();
  }
});

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
