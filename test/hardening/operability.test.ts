import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { createGroup, createIdentity } from '../arm/helpers.js';
import { createHost, createUami, ensureGroup, msiToken } from '../tokens/support.js';
import { redactUrl } from '../../src/server/requestLogging.js';
import { startPostgresForFile } from '../support/postgres.js';

const lines: string[] = [];
let s: TestServer;
before(async () => {
  s = await startTestServer({ extra: { logLevel: 'info', logStream: { write: (line: string) => void lines.push(line) } } });
});
after(() => s?.close());

test('/healthz answers without a token and without the database', async () => {
  const res = await s.raw('GET', '/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ok' });
  assert.equal(res.headers['cache-control'], 'no-store');
});

test('/readyz is 200 when the database answers and has every migration, 503 when a migration is missing', async () => {
  assert.deepEqual((await s.raw('GET', '/readyz')).body, { status: 'ready' });
  const db = s.running.context.database.db;
  const latest = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(db);
  const row = latest.rows[0]!;
  await sql`delete from kysely_migration where name = ${row.name}`.execute(db);
  try {
    const res = await s.raw('GET', '/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 'unavailable');
    assert.equal((await s.raw('GET', '/healthz')).status, 200, 'liveness does not depend on the database');
  } finally {
    await sql`insert into kysely_migration (name, timestamp) values (${row.name}, ${row.timestamp})`.execute(db);
  }
  assert.equal((await s.raw('GET', '/readyz')).status, 200);
});

test('/metrics: requests by ARM action (never by URL), tokens issued by kind, workload cache hits, process metrics', async () => {
  assert.equal((await createGroup(s, 'metrics-rg')).status, 201);
  assert.equal((await createIdentity(s, 'metrics-rg', 'metrics-id')).status, 201);
  await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/metrics-rg?api-version=2024-03-01`);
  await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/no-such-rg?api-version=2024-03-01`);
  await ensureGroup(s);
  const uami = await createUami(s, 'metrics-uami');
  const host = await createHost(s, 'metrics-vm', { system: false, user: [uami] });
  for (let i = 0; i < 3; i++) assert.equal((await msiToken(s, host.header, { resource: 'https://vault.azure.net' })).status, 200);

  const res = await s.raw('GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = res.text;
  assert.match(text, /amity_http_requests_total\{operation="Microsoft\.Resources\/subscriptions\/resourceGroups\/write",method="PUT",status="201"\} 2\n/);
  assert.match(text, /amity_http_requests_total\{operation="Microsoft\.Resources\/subscriptions\/resourceGroups\/read",method="GET",status="200"\} 1/);
  assert.match(text, /amity_http_requests_total\{operation="Microsoft\.Resources\/subscriptions\/resourceGroups\/read",method="GET",status="404"\} 1/);
  assert.match(text, /amity_http_requests_total\{operation="\/:tenant\/oauth2\/v2\.0\/token",method="POST",status="200"\} \d+/);
  assert.match(text, /amity_http_request_duration_seconds_bucket\{le="0\.1",operation="Microsoft\.ManagedIdentity\/userAssignedIdentities\/write",method="PUT",status="201"\} 2\n/);
  assert.match(text, /amity_tokens_issued_total\{kind="app"\} [1-9]/);
  assert.match(text, /amity_tokens_issued_total\{kind="workload"\} 1\n/);
  assert.match(text, /amity_workload_token_cache_lookups_total\{result="hit"\} 2\n/);
  assert.match(text, /amity_workload_token_cache_hit_ratio 0\.66/);
  assert.match(text, /process_resident_memory_bytes \d+/);
  assert.match(text, /nodejs_eventloop_lag_seconds/);
  // Bounded cardinality: no id or name from a URL becomes a label.
  for (const leak of [s.subscriptionId, 'metrics-rg', 'metrics-id', s.tenantId]) assert.ok(!text.includes(leak), `${leak} in /metrics`);
});

test('/metrics can be turned off', async () => {
  const off = await startTestServer({ extra: { metrics: false } });
  try {
    // Without the route the path is just another ARM path, which needs a token.
    assert.equal((await off.raw('GET', '/metrics')).status, 401);
    assert.equal((await off.raw('GET', '/healthz')).status, 200);
  } finally {
    await off.close();
  }
});

test('every log line of a request carries its request id (= x-ms-request-id) and correlation id; no headers, no secrets', async () => {
  const correlation = 'c0ffee00-0000-4000-8000-00000000beef';
  const before = lines.length;
  const res = await s.arm('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`, undefined, { 'x-ms-correlation-request-id': correlation });
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-ms-correlation-request-id'], correlation);
  const requestId = String(res.headers['x-ms-request-id']);
  await new Promise((r) => setTimeout(r, 50));
  const mine = lines.slice(before).map((l) => JSON.parse(l)).filter((l) => l.reqId === requestId);
  assert.ok(mine.length >= 2, `incoming and completed lines: ${JSON.stringify(mine)}`);
  for (const line of mine) assert.equal(line.correlationId, correlation);
  const text = lines.slice(before).join('\n');
  assert.ok(!/authorization|bearer/i.test(text), 'no Authorization header in the logs');
  assert.ok(!text.includes((await s.token()).split('.')[2]!), 'no token in the logs');
});

test('secret-looking query values are blanked in logged URLs', () => {
  assert.equal(redactUrl('/x?api-version=1&client_secret=abc&code=42&resource=r'), '/x?api-version=1&client_secret=REDACTED&code=REDACTED&resource=r');
  assert.equal(redactUrl('/plain/path'), '/plain/path');
});

test('on PostgreSQL: /readyz, and /metrics reports the connection pool', async (t) => {
  const cluster = await startPostgresForFile();
  if ('skip' in cluster) return t.skip(cluster.skip);
  const pg = await startTestServer({ database: cluster.url });
  try {
    assert.equal((await pg.raw('GET', '/readyz')).status, 200);
    assert.equal((await pg.arm('GET', `/subscriptions/${pg.subscriptionId}?api-version=2022-12-01`)).status, 200);
    const text = (await pg.raw('GET', '/metrics')).text;
    assert.match(text, /amity_db_pool_connections\{state="total"\} [1-9]/);
    assert.match(text, /amity_db_pool_connections\{state="waiting"\} 0/);
  } finally {
    await pg.close();
  }
});
