import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startPostgresForFile } from '../support/postgres.js';
import { startJoinedNodes, startTestServer } from '../support/server.js';

const pg = await startPostgresForFile();

test('two nodes on one PostgreSQL share the tenant, the keys and the data', { skip: 'skip' in pg ? pg.skip : false }, async () => {
  if ('skip' in pg) return;
  // The second node has an empty data folder: it must join, not bootstrap a second tenant. Both nodes
  // answer under one public URL (here node A's own, as a load balancer's would be).
  const { a, b, bDir, close } = await startJoinedNodes(await pg.createDatabase(), 'amity-node-b-');
  try {
    assert.equal(fs.existsSync(path.join(bDir, 'bootstrap.json')), false, 'the joining node must not bootstrap again');
    assert.equal(b.running.tenantId, a.tenantId);
    const token = await a.token();
    const sub = a.subscriptionId;
    const created = await a.arm('PUT', `/subscriptions/${sub}/resourcegroups/shared?api-version=2021-04-01`, { location: 'westus' });
    assert.equal(created.status, 201);
    // A token issued by node A is accepted by node B, and B sees A's write at once.
    const seen = await b.raw('GET', `/subscriptions/${sub}/resourcegroups/shared?api-version=2021-04-01`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.body.name, 'shared');
  } finally {
    await close();
  }
});

test('a node with a different key-encryption key refuses to start on the same database', { skip: 'skip' in pg ? pg.skip : false }, async () => {
  if ('skip' in pg) return;
  const database = await pg.createDatabase();
  const a = await startTestServer({ database, extra: { keyEncryptionKey: crypto.randomBytes(32).toString('hex') } });
  try {
    await assert.rejects(startTestServer({ database, extra: { keyEncryptionKey: crypto.randomBytes(32).toString('hex') } }), /key-encryption key/);
  } finally {
    await a.close();
  }
});
