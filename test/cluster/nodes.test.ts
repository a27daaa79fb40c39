import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KeyEncryptionKey } from '../../src/directory/keyEncryption.js';
import { SigningKeys } from '../../src/directory/signingKeys.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { CONVERGENCE_MS } from '../../src/store/convergence.js';
import { startPostgresForFile } from '../support/postgres.js';
import { startTestServer } from '../support/server.js';
import { assign, createServicePrincipal, unassign } from '../rbac/support.js';
import { createHost, createUami, ensureGroup, msiToken, sleep } from '../tokens/support.js';
import { armClient, startCluster, within, type Cluster } from './support.js';

const pg = await startPostgresForFile();
const skip = 'skip' in pg ? pg.skip : false;
/** What the tests allow over the stated bound: one loaded 2-core machine's scheduling and a round trip or two. */
const BOUND_MS = CONVERGENCE_MS + 700;

test('three nodes started at the same moment on an empty database bootstrap exactly once', { skip }, async () => {
  if ('skip' in pg) return;
  const database = await pg.createDatabase();
  const keyEncryptionKey = crypto.randomBytes(32).toString('hex');
  const dirs = [0, 1, 2].map((i) => fs.mkdtempSync(path.join(os.tmpdir(), `amity-simul-${i}-`)));
  const started = await Promise.allSettled(dirs.map((dataDir) => startServer({ host: '127.0.0.1', port: 0, dataDir, database, keyEncryptionKey, logLevel: 'warn' })));
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  try {
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    assert.equal(running.filter((r) => r.bootstrapFile).length, 1, 'exactly one node bootstraps');
    assert.equal(dirs.filter((d) => fs.existsSync(path.join(d, 'bootstrap.json'))).length, 1, 'exactly one bootstrap.json');
    assert.equal(new Set(running.map((r) => r.tenantId)).size, 1, 'one tenant');
    const db = running[0].context.database.db;
    assert.equal((await db.selectFrom('principals').select('object_id').where('display_name', '=', 'amity-admin').execute()).length, 1, 'one administrator');
    assert.equal((await db.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute()).length, 1, 'one first signing key');
    assert.equal((await db.selectFrom('subscriptions').select('key').execute()).length, 1, 'one subscription');
    // Each node has its own TLS certificate, made in its own data folder.
    const certs = dirs.map((d) => fs.readFileSync(path.join(d, 'tls', 'server.crt'), 'utf8'));
    assert.equal(new Set(certs).size, 3);
  } finally {
    for (const r of running) await r.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a node joining with an empty data folder serves at once; a missing or wrong key-encryption key is refused at start', { skip }, async () => {
  if ('skip' in pg) return;
  const database = await pg.createDatabase();
  const cluster = await startCluster(database, 2);
  const [a, b] = cluster.nodes;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-nokek-'));
  try {
    assert.equal(fs.existsSync(path.join(b.dataDir, 'bootstrap.json')), false, 'the joining node does not bootstrap');
    assert.notEqual(fs.readFileSync(path.join(b.dataDir, 'tls', 'server.crt'), 'utf8'), fs.readFileSync(path.join(a.dataDir, 'tls', 'server.crt'), 'utf8'));
    // B answers its first request with A's data and keys: nothing to wait for.
    const sub = await b.arm('GET', `/subscriptions/${a.subscriptionId}?api-version=2022-12-01`);
    assert.equal(sub.status, 200, sub.text);

    // No key given: the node makes none it would keep, and says what to do.
    await assert.rejects(startServer({ host: '127.0.0.1', port: 0, dataDir: empty, database, logLevel: 'warn' }), /key-encryption key does not match this database: none was given/);
    assert.equal(fs.existsSync(path.join(empty, 'key-encryption-key')), false, 'the useless generated key is not left behind');
    await assert.rejects(
      startServer({ host: '127.0.0.1', port: 0, dataDir: empty, database, keyEncryptionKey: crypto.randomBytes(32).toString('hex'), logLevel: 'warn' }),
      /the key-encryption key does not match this database/,
    );
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
    await cluster.close();
  }
});

describe('two nodes on one PostgreSQL', { skip }, () => {
  let cluster: Cluster;
  before(async () => {
    if ('skip' in pg) return;
    cluster = await startCluster(await pg.createDatabase(), 2);
  });
  after(async () => {
    await cluster?.close();
  });

  test('1,000 concurrent If-Match updates through both nodes lose none', async () => {
    const [a, b] = cluster.nodes;
    await ensureGroup(a, 'occ');
    const identities = 20;
    const updates = 1000;
    const inFlight = 32;
    const clients = [a, b].map((n) => armClient(n.url, fs.readFileSync(n.caCertPath), () => a.token()));
    const paths = Array.from({ length: identities }, (_, i) => `/subscriptions/${a.subscriptionId}/resourceGroups/occ/providers/Microsoft.ManagedIdentity/userAssignedIdentities/occ-${i}?api-version=2023-01-31`);
    for (const p of paths) assert.equal((await a.arm('PUT', p, { location: 'westus', tags: { count: '0' } })).status, 201);
    let next = 0;
    let preconditionFailures = 0;
    // Read-modify-write: each update adds one to its identity's counter; a lost update would leave the sum short.
    const worker = async (w: number) => {
      const node = clients[w % 2];
      for (let i = next++; i < updates; i = next++) {
        const p = paths[i % identities];
        for (;;) {
          const cur = await node.arm('GET', p);
          assert.equal(cur.status, 200, cur.text);
          const count = Number(cur.body.tags.count) + 1;
          const put = await node.arm('PUT', p, { location: 'westus', tags: { count: String(count) } }, { 'if-match': cur.headers.etag as string });
          if (put.status === 200) break;
          assert.equal(put.status, 412, put.text);
          preconditionFailures++;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
    } finally {
      for (const c of clients) c.close();
    }
    let total = 0;
    for (const p of paths) total += Number((await b.arm('GET', p)).body.tags.count);
    assert.equal(total, updates, 'every acknowledged update is in the final state');
    assert.ok(preconditionFailures > 0, 'the writers did race');
  });

  test(`a role assignment removed on A denies on B within the bound (${CONVERGENCE_MS} ms)`, async () => {
    const [a, b] = cluster.nodes;
    const rg = `/subscriptions/${a.subscriptionId}/resourceGroups/rbac-converge`;
    assert.equal((await a.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
    const sp = await createServicePrincipal(a);
    const token = await sp.token();
    const readOnB = async () => (await b.raw('GET', `${rg}?api-version=2021-04-01`, { headers: { authorization: `Bearer ${token}` } })).status;
    const id = await assign(a, sp.objectId, 'Reader', rg);
    await within(5000, 'grant seen on B', async () => (await readOnB()) === 200);
    await sleep(CONVERGENCE_MS); // B's last look at the counter is recent, so the removal must come through the counter
    await unassign(a, id);
    const lag = await within(BOUND_MS, 'removal seen on B', async () => (await readOnB()) === 403);
    assert.ok(lag <= BOUND_MS, `${lag} ms`);
  });

  test('a token revoked on A is refused on B within the bound', async () => {
    const [a, b] = cluster.nodes;
    await ensureGroup(a, 'tokens');
    const uami = await createUami(a, 'revoke-me');
    const host = await createHost(a, 'vm-revoke', { system: false, user: [uami] });
    const issued = await msiToken(a, host.header, { client_id: uami.clientId });
    assert.equal(issued.status, 200, issued.text);
    const onB = async () => (await b.raw('GET', `/subscriptions/${a.subscriptionId}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${issued.body.access_token}` } })).status;
    assert.notEqual(await onB(), 401, 'B accepts the token before the revocation');
    await sleep(1100); // iat has whole seconds
    const revoke = await a.arm('POST', `${uami.id}/revokeTokens?api-version=2023-07-31-preview`);
    assert.equal(revoke.status, 200, revoke.text);
    const lag = await within(BOUND_MS, 'revocation seen on B', async () => (await onB()) === 401);
    assert.ok(lag <= BOUND_MS, `${lag} ms`);
    // And B's token service hands out no cached token from before the revocation.
    const fresh = await msiToken(b, host.header, { client_id: uami.clientId });
    assert.equal(fresh.status, 200, fresh.text);
    assert.notEqual(fresh.body.access_token, issued.body.access_token);
  });

  test('a key rotated on A is published by B within the bound; nodes rotating on schedule at once make one key', async () => {
    const [a, b] = cluster.nodes;
    const jwksOnB = async () => (await b.raw('GET', `/${a.tenantId}/discovery/v2.0/keys`)).body.keys.map((k: { kid: string }) => k.kid) as string[];
    await sleep(CONVERGENCE_MS);
    const rotated = await a.running.context.keys.rotate({ publishDelaySeconds: 600 });
    const lag = await within(BOUND_MS, 'new key published by B', async () => (await jwksOnB()).includes(rotated.kid));
    assert.ok(lag <= BOUND_MS, `${lag} ms`);

    // Two schedules (as on two nodes) both find the key due at the same moment: one rotates, the other loads its key.
    const kek = KeyEncryptionKey.fromText(cluster.keyEncryptionKey);
    const schedules = [a, b].map((n: { running: RunningServer }) => new SigningKeys(n.running.context.database.db, kek, { rotateAfterDays: 0, publishDelaySeconds: 600 }));
    const db = a.running.context.database.db;
    const count = async () => (await db.selectFrom('signing_keys').select('kid').execute()).length;
    // A published next key holds the schedule back: retire it through a rotation that signs at once first.
    await a.running.context.keys.rotate();
    await Promise.all(schedules.map((s) => s.reload()));
    const before = await count();
    await Promise.all(schedules.map((s) => s.tick()));
    assert.equal(await count(), before + 1, 'exactly one of the racing schedules rotated');
    assert.deepEqual(schedules[0].jwks(), schedules[1].jwks(), 'both publish the same keys');
  });
});

test('SQLite: the start-up section needs no lock (one process)', async () => {
  const s = await startTestServer();
  try {
    assert.equal(await s.running.context.database.exclusive(async () => 42), 42);
  } finally {
    await s.close();
  }
});
