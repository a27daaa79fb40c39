import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../support/server.js';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { createServicePrincipal } from '../rbac/support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'authorizationScenario.ts');

test('@azure/arm-authorization manages role definitions and assignments; a second principal is denied, then allowed', async (t) => {
  const s = await startTestServer();
  let r: any;
  let sp: Awaited<ReturnType<typeof createServicePrincipal>>;
  try {
    sp = await createServicePrincipal(s, 'sdk-second-sp');
    r = await runScenario(scenario, scenarioEnv(s, { AMITY_SP_CLIENT_ID: sp.clientId, AMITY_SP_CLIENT_SECRET: sp.clientSecret, AMITY_SP_OBJECT_ID: sp.objectId }));
  } finally {
    await s.close();
  }
  const sub = `/subscriptions/${s.subscriptionId}`;

  await t.test('role definitions: built-in by name and type, custom create/get/list/delete', () => {
    assert.equal(r.byName.length, 1);
    assert.equal(r.byName[0].name, 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59');
    assert.equal(r.byName[0].roleType, 'BuiltInRole');
    assert.ok(r.byName[0].permissions[0].actions.includes('Microsoft.ManagedIdentity/userAssignedIdentities/write'));
    assert.ok(r.builtInCount >= 8);
    assert.deepEqual(r.builtInTypes, ['BuiltInRole']);
    assert.equal(r.customCreated.roleType, 'CustomRole');
    assert.equal(r.customCreated.id, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${r.customId}`);
    assert.deepEqual(r.customGot.assignableScopes, [sub]);
    assert.ok(r.customListed.includes(r.customId));
    assert.equal(r.customGone.statusCode, 404);
  });

  await t.test('the second principal gets RestError 403 AuthorizationFailed, then succeeds after the assignment', () => {
    assert.equal(r.denied.name, 'RestError');
    assert.equal(r.denied.statusCode, 403);
    assert.equal(r.denied.code, 'AuthorizationFailed');
    assert.match(r.denied.message, /does not have authorization to perform action 'Microsoft\.ManagedIdentity\/userAssignedIdentities\/write'/);
    assert.ok(r.allowed.id.endsWith('/sdk-sp-id'));
    assert.equal(r.deniedAgain.statusCode, 403);
  });

  await t.test('role assignments: create, duplicate 409, get, list atScope() and by principal', () => {
    assert.equal(r.assignment.name, r.assignmentName);
    assert.equal(r.assignment.principalId, sp.objectId);
    assert.equal(r.assignment.principalType, 'ServicePrincipal');
    assert.equal(r.assignment.scope, `${sub}/resourceGroups/authz-rg`);
    assert.equal(r.duplicate.statusCode, 409);
    assert.equal(r.duplicate.code, 'RoleAssignmentExists');
    assert.equal(r.got.id, r.assignment.id);
    assert.ok(r.atScope.includes(r.assignmentName));
    assert.deepEqual(r.forPrincipal, [r.assignmentName]);
  });
});
