import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../support/server.js';
import { postForm } from '../directory/support.js';
import { createHost, createUami, ensureGroup } from '../tokens/support.js';
import { hostileRequest, type HostileRequest, type Known } from './support/hostile.js';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';

const RUNS = Number(process.env.AMITY_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.AMITY_FUZZ_SEED ?? 9_2026);
const CONCURRENCY = 16;
/** A stack frame, a source path or a Node internal in a body would tell an attacker how the server is built. */
const LEAK = /\n\s*at\s|\bat [\w.<>]+ \(|node_modules|\/(?:work|home|root|tmp|usr|src)\/|\.[cm]?[jt]s:\d+|Error: |TypeError|RangeError|SyntaxError: Unexpected|sqlite|SQLITE_|kysely|fastify|FST_/i;

let s: TestServer;
let known: Known & { ca?: Buffer };
let agent: https.Agent;
let imdsAgent: http.Agent;
let imds: RunningAgent;

before(async () => {
  s = await startTestServer();
  agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: fs.readFileSync(s.caCertPath) });
  // State to keep: a group, an identity, a host with a credential, a role assignment, a user.
  await ensureGroup(s, 'seed-rg');
  await createUami(s, 'seed-id', 'seed-rg');
  const host = await createHost(s, 'seed-vm', { system: true, user: [] }, 'seed-rg');
  // The IMDS endpoint as a host runs it: `amity agent`, in front of the host's workload token endpoint.
  const credential = await s.arm('POST', `/subscriptions/${s.subscriptionId}/resourceGroups/seed-rg/providers/Microsoft.Compute/virtualMachines/seed-vm/regenerateIdentityCredential?api-version=2022-08-01`);
  assert.equal(credential.status, 200, credential.text);
  host.header = credential.body.identityHeader;
  imds = await startAgent({ identityEndpoint: credential.body.identityEndpoint, identityHeader: credential.body.identityHeader, port: 0, ca: fs.readFileSync(s.caCertPath) });
  imdsAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const graphToken = (await postForm(s, `/${s.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: `${s.url}/msgraph/.default` })).body.access_token;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const armToken = await s.token();
  known = {
    ca: fs.readFileSync(s.caCertPath),
    tenantId: s.tenantId,
    subscriptionId: s.subscriptionId,
    armToken,
    graphToken,
    hostHeader: host.header,
    forgedToken: `${b64({ alg: 'none', typ: 'JWT' })}.${armToken.split('.')[1]}.`,
  };
  const user = await send({ family: 'seed', method: 'POST', path: '/msgraph/v1.0/users', headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ accountEnabled: true, displayName: 'Seed', mailNickname: 'seed', userPrincipalName: 'seed@amity.example', passwordProfile: { password: 'Seed-Password-12345' } }) });
  assert.equal(user.status, 201, user.text);
  const readerRole = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
  const ra = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/6f1c2f7e-8b44-4a55-9a1e-1c3a7a6a0001?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${readerRole}`, principalId: JSON.parse(user.text).id, principalType: 'User' },
  });
  assert.equal(ra.status, 201, ra.text);
});
after(async () => {
  agent?.destroy();
  imdsAgent?.destroy();
  await imds?.close();
  await s?.close();
});

/**
 * Sends on a kept-alive connection; a connection the server closed after its previous answer (it does after a
 * refused upload or an unparseable request line, whose 400 a client waiting for a HEAD answer cannot frame) can fail
 * the next request on it, which every HTTP client retries: so once more on a fresh connection, where it must succeed.
 */
async function send(r: HostileRequest): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  try {
    return await sendOn(r, r.family === 'imds' ? imdsAgent : agent);
  } catch (e) {
    if (!/socket hang up|ECONNRESET|EPIPE|Parse Error/.test((e as Error).message)) throw e;
    retried++;
    return sendOn(r, false);
  }
}
let retried = 0;

function sendOn(r: HostileRequest, via: http.Agent | false): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    };
    const req = r.family === 'imds' ? http.request(`${imds.url}${r.path}`, { method: r.method, headers, agent: via }, onResponse) : https.request(`${s.url}${r.path}`, { method: r.method, headers, agent: via, ca: known?.ca }, onResponse);
    req.on('error', reject);
    req.end(r.body);
  });
}

/** What ARM and Graph show: lists of groups, identities, VMs, role assignments and definitions, users, applications, service principals. */
async function snapshot(): Promise<string> {
  const sub = `/subscriptions/${s.subscriptionId}`;
  const arm = ['/resourcegroups?api-version=2024-03-01', '/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30', '/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01', "/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=type%20eq%20'CustomRole'", '/resourceGroups/seed-rg/providers/Microsoft.Compute/virtualMachines/seed-vm?api-version=2022-08-01', '/resourceGroups/seed-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/seed-id/federatedIdentityCredentials?api-version=2024-11-30'];
  const parts: unknown[] = [];
  for (const p of arm) {
    const res = await s.arm('GET', `${sub}${p}`);
    assert.equal(res.status, 200, `${p}: ${res.text}`);
    parts.push(res.body);
  }
  for (const c of ['users', 'applications', 'servicePrincipals']) {
    const res = await send({ family: 'snapshot', method: 'GET', path: `/msgraph/v1.0/${c}`, headers: { authorization: `Bearer ${known.graphToken}` } });
    assert.equal(res.status, 200, res.text);
    parts.push(JSON.parse(res.text));
  }
  return JSON.stringify(parts);
}

test(`${RUNS} generated hostile requests against every route family: no 5xx, no internals in any body, state unchanged`, async () => {
  const before = await snapshot();
  const requests = fc.sample(hostileRequest(known), { numRuns: RUNS, seed: SEED });
  // Bodies over the 8 MB limit, a few per family (each costs a real upload).
  const huge = 'x'.repeat(9 * 1024 * 1024);
  for (const [method, path] of [['PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/seed-rg?api-version=2024-03-01`], ['POST', `/${s.tenantId}/oauth2/v2.0/token`], ['POST', '/msgraph/v1.0/users'], ['PATCH', `/subscriptions/${s.subscriptionId}/resourceGroups/seed-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/seed-id?api-version=2024-11-30`]] as const) {
    requests.push({ family: 'huge', method, path, headers: { authorization: `Bearer ${path.startsWith('/msgraph') ? known.graphToken : known.armToken}`, 'content-type': 'application/json' }, body: `{"location":"${huge}"}` });
  }
  const failures: string[] = [];
  const statuses = new Map<string, number>();
  const families = new Map<string, number>();
  let next = 0;
  const describe = (r: HostileRequest) => `${r.family} ${r.method} ${r.path.slice(0, 300)} body=${JSON.stringify(r.body?.slice(0, 200))} headers=${JSON.stringify(r.headers).slice(0, 300)}`;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      families.set(r.family, (families.get(r.family) ?? 0) + 1);
      let res: Awaited<ReturnType<typeof send>>;
      try {
        res = await send(r);
      } catch (e) {
        // A server that cut an oversized upload short may reset the connection. A raw byte over 0x7f in the request
        // line is refused by Node's HTTP parser itself (400, connection closed), whose body a HEAD client cannot parse.
        const rawHighByte = /[\u0080-\u00ff]/.test(r.path) && /Parse Error/.test((e as Error).message);
        if (r.family !== 'huge' && !rawHighByte) failures.push(`connection error ${(e as Error).message}: ${describe(r)}`);
        continue;
      }
      statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${res.status} ${res.text.slice(0, 300)}: ${describe(r)}`);
      else if (r.path.startsWith('/metrics') && res.status === 200) continue;
      else if (LEAK.test(res.text)) failures.push(`internals in the body ${JSON.stringify(res.text.slice(0, 400))}: ${describe(r)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const summary = `seed ${SEED}; ${retried} retried on a fresh connection; families ${JSON.stringify(Object.fromEntries(families))}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
  console.log(summary);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failures (${summary}); rerun with AMITY_FUZZ_SEED=${SEED}`);
  assert.ok(requests.length >= 10_000 || RUNS < 10_000, summary);
  assert.equal((await s.raw('GET', '/healthz')).status, 200, 'the server is up');
  assert.equal(await snapshot(), before, `state unchanged (${summary})`);
});
