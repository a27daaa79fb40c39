import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgresForFile } from '../support/postgres.js';
import { startJoinedNodes } from '../support/server.js';
import { assign, createServicePrincipal, unassign } from './support.js';

const pg = await startPostgresForFile();

test('a second node on the same PostgreSQL sees an assignment change within about a second', { skip: 'skip' in pg ? pg.skip : false }, async () => {
  if ('skip' in pg) return;
  const { a, b, close } = await startJoinedNodes(await pg.createDatabase(), 'amity-rbac-node-b-');
  try {
    const rg = `/subscriptions/${a.subscriptionId}/resourceGroups/shared-rbac`;
    assert.equal((await a.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
    const sp = await createServicePrincipal(a);
    const token = await sp.token();
    const readOnB = () => b.raw('GET', `${rg}?api-version=2021-04-01`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await readOnB()).status, 403);
    // Node B has now checked the version: the change on A must reach it by the next check (≤ 1 s), not at once by luck.
    const id = await assign(a, sp.objectId, 'Reader', rg);
    const granted = Date.now();
    let status = (await readOnB()).status;
    while (status !== 200 && Date.now() - granted < 3000) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await readOnB()).status;
    }
    const grantLag = Date.now() - granted;
    assert.equal(status, 200, 'node B never saw the assignment');
    assert.ok(grantLag <= 2000, `node B saw the assignment after ${grantLag} ms`);

    await unassign(a, id);
    const revoked = Date.now();
    while ((status = (await readOnB()).status) !== 403 && Date.now() - revoked < 3000) await new Promise((r) => setTimeout(r, 50));
    const revokeLag = Date.now() - revoked;
    assert.equal(status, 403, 'node B never saw the removal');
    assert.ok(revokeLag <= 2000, `node B saw the removal after ${revokeLag} ms`);
  } finally {
    await close();
  }
});
