import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../support/server.js';
import { ADMIN_OWNER_SETTING } from '../../src/rbac/adminOwner.js';

test('the bootstrap administrator holds Owner at /; a database from before RBAC gets it at the next start', async () => {
  const s = await startTestServer();
  try {
    const listed = await s.arm('GET', `/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`);
    assert.equal(listed.status, 200, listed.text);
    const owner = listed.body.value.find((a: any) => a.properties.roleDefinitionId.endsWith('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'));
    assert.ok(owner, listed.text);
    assert.equal(owner.properties.scope, '/');
    const adminOid = owner.properties.principalId;

    // Simulate a database bootstrapped before RBAC: no assignment, no marker.
    const db = s.running.context.database.db;
    await db.deleteFrom('role_assignments').execute();
    await db.deleteFrom('settings').where('name', '=', ADMIN_OWNER_SETTING).execute();
    await s.restart();
    const again = await s.arm('GET', `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`);
    assert.equal(again.status, 200, again.text);
    assert.ok(again.body.value.some((a: any) => a.properties.principalId === adminOid && a.properties.scope === '/'));

    // Once given, it is not given again: an administrator who removes it stays without it after a restart.
    const rows = await s.running.context.database.db.selectFrom('role_assignments').selectAll().execute();
    assert.equal(rows.length, 1);
    await s.running.context.database.db.deleteFrom('role_assignments').execute();
    await s.restart();
    assert.equal((await s.running.context.database.db.selectFrom('role_assignments').selectAll().execute()).length, 0);
  } finally {
    await s.close();
  }
});
