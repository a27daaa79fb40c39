import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { servicePrincipalLogin, useCloud, withAzServer } from '../support/azureCli.js';
import { createServicePrincipal } from '../rbac/support.js';

// The unmodified Debian az: `az rest --method put` creates a role assignment (the packaged
// `az role assignment create` crashes locally before sending anything) and `az role assignment delete --ids`
// deletes it; a second service principal's access follows.

test('az rest --method put creates a role assignment and az role assignment delete --ids removes it', (t) =>
  withAzServer(t, async (az, s) => {
    const sub = `/subscriptions/${s.subscriptionId}`;
    const rg = `${sub}/resourceGroups/cli-rbac`;
    await useCloud(az, s, 'AmityRbac');
    await az.ok(...servicePrincipalLogin(s.clientId, s.clientSecret, s.tenantId));
    await az.ok('group', 'create', '-n', 'cli-rbac', '-l', 'westus');

    const sp = await createServicePrincipal(s, 'cli-second-sp');
    const identity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cli-sp-id?api-version=2024-11-30`;
    assert.equal((await sp.arm('PUT', identity, { location: 'westus' })).status, 403);

    const name = crypto.randomUUID();
    const body = JSON.stringify({
      properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/e40ec5ca-96e0-45a2-b4ff-59039f2c2b59`, principalId: sp.objectId, principalType: 'ServicePrincipal' },
    });
    const created = await az.ok('rest', '--method', 'put', '--url', `${rg}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, '--body', body);
    assert.equal(created.name, name);
    assert.equal(created.properties.principalId, sp.objectId);
    assert.equal(created.properties.scope, rg);
    assert.equal((await sp.arm('PUT', identity, { location: 'westus' })).status, 201);

    // A second PUT of the same principal, role and scope: 409 RoleAssignmentExists, as az expects.
    const dup = await az.run('rest', '--method', 'put', '--url', `${rg}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`, '--body', body);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /RoleAssignmentExists|already exists/);

    const deleted = await az.run('role', 'assignment', 'delete', '--ids', created.id);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await s.arm('GET', `${created.id}?api-version=2022-04-01`);
    assert.equal(gone.status, 404);
    assert.equal((await sp.arm('DELETE', identity)).status, 403);
  }, 'amity-az-rbac-'),
);
