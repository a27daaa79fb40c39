import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { forEachBackend, MSI_API, RG_API } from '../arm/helpers.js';
import type { TestServer } from '../support/server.js';
import { assign, AUTHZ_API, createServicePrincipal, ROLE_IDS, unassign } from './support.js';

const IDENTITY = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const ra = (scope: string, name: string, v = AUTHZ_API) => `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${v}`;
const rd = (scope: string, q = '') => `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleDefinitions${q}`;

async function group(s: TestServer, name: string): Promise<string> {
  const res = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/${name}?api-version=${RG_API}`, { location: 'westus' });
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${name}`;
}

async function identity(s: TestServer, rg: string, name: string): Promise<string> {
  const res = await s.arm('PUT', `${rg}/providers/${IDENTITY}/${name}?api-version=${MSI_API}`, { location: 'westus' });
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return res.body.id as string;
}

await forEachBackend((server) => {
  test('built-in roles: list, filter by roleName and type, get by id at the root and under the subscription', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const all = await s.arm('GET', `${rd(sub)}?api-version=${AUTHZ_API}`);
    assert.equal(all.status, 200, all.text);
    const names = all.body.value.map((r: any) => r.properties.roleName);
    for (const n of Object.keys(ROLE_IDS)) assert.ok(names.includes(n), n);
    const contributor = await s.arm('GET', `${rd(sub)}?api-version=${AUTHZ_API}&$filter=roleName%20eq%20%27Contributor%27`);
    assert.equal(contributor.body.value.length, 1);
    const c = contributor.body.value[0];
    assert.equal(c.id, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Contributor}`);
    assert.equal(c.name, ROLE_IDS.Contributor);
    assert.equal(c.type, 'Microsoft.Authorization/roleDefinitions');
    assert.equal(c.properties.type, 'BuiltInRole');
    assert.deepEqual(c.properties.assignableScopes, ['/']);
    assert.deepEqual(c.properties.permissions[0].actions, ['*']);
    assert.ok(c.properties.permissions[0].notActions.includes('Microsoft.Authorization/*/Write'));
    const builtIn = await s.arm('GET', `${rd(sub)}?api-version=2018-01-01-preview&$filter=type%20eq%20%27BuiltInRole%27`);
    assert.ok(builtIn.body.value.every((r: any) => r.properties.type === 'BuiltInRole'));
    const byRoot = await s.arm('GET', `${rd('/', `/${ROLE_IDS['Managed Identity Operator']}`)}?api-version=${AUTHZ_API}`);
    assert.equal(byRoot.status, 200);
    assert.equal(byRoot.body.id, `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS['Managed Identity Operator']}`);
    assert.equal(byRoot.body.properties.description, 'Read and Assign User Assigned Identity');
    const bySub = await s.arm('GET', `${rd(sub, `/${ROLE_IDS.Reader}`)}?api-version=${AUTHZ_API}`);
    assert.equal(bySub.body.properties.roleName, 'Reader');
    const missing = await s.arm('GET', `${rd(sub, `/${crypto.randomUUID()}`)}?api-version=${AUTHZ_API}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'RoleDefinitionDoesNotExist');
  });

  test('built-in roles are read-only', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const put = await s.arm('PUT', `${rd(sub, `/${ROLE_IDS.Reader}`)}?api-version=${AUTHZ_API}`, { properties: { roleName: 'Reader', permissions: [{ actions: ['*'] }], assignableScopes: [sub] } });
    assert.equal(put.status, 403);
    assert.equal(put.body.error.code, 'BuiltInRoleCannotBeModified');
    const del = await s.arm('DELETE', `${rd(sub, `/${ROLE_IDS.Owner}`)}?api-version=${AUTHZ_API}`);
    assert.equal(del.status, 403);
  });

  test('custom roles: PUT, GET, list by name and type, assign, refuse delete while assigned, DELETE', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const id = crypto.randomUUID();
    const roleName = `Identity Reader ${id.slice(0, 8)}`;
    const body = { properties: { roleName, description: 'reads identities', permissions: [{ actions: [`${IDENTITY}/read`], notActions: [] }], assignableScopes: [sub] } };
    const created = await s.arm('PUT', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`, body);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.properties.type, 'CustomRole');
    assert.equal(created.body.id, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${id}`);
    // Azure answers an update with 201 too; az's SDK refuses anything else ("invalid status 'OK'").
    const updated = await s.arm('PUT', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`, { properties: { ...body.properties, description: 'reads identities (updated)' } });
    assert.equal(updated.status, 201, updated.text);
    assert.equal(updated.body.properties.description, 'reads identities (updated)');
    const got = await s.arm('GET', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`);
    assert.equal(got.body.properties.roleName, roleName);
    const byName = await s.arm('GET', `${rd(sub)}?api-version=${AUTHZ_API}&$filter=roleName%20eq%20%27${encodeURIComponent(roleName)}%27`);
    assert.equal(byName.body.value.length, 1);
    const custom = await s.arm('GET', `${rd(sub)}?api-version=${AUTHZ_API}&$filter=type%20eq%20%27CustomRole%27`);
    assert.ok(custom.body.value.some((r: any) => r.name === id));
    assert.ok(custom.body.value.every((r: any) => r.properties.type === 'CustomRole'));
    const dupName = await s.arm('PUT', `${rd(sub, `/${crypto.randomUUID()}`)}?api-version=${AUTHZ_API}`, body);
    assert.equal(dupName.status, 409);
    assert.equal(dupName.body.error.code, 'RoleDefinitionWithSameNameExists');
    const badScope = await s.arm('PUT', `${rd(sub, `/${crypto.randomUUID()}`)}?api-version=${AUTHZ_API}`, { properties: { ...body.properties, roleName: 'x', assignableScopes: ['/subscriptions/00000000-0000-0000-0000-000000000000'] } });
    assert.equal(badScope.status, 400);
    assert.equal(badScope.body.error.code, 'InvalidAssignableScope');

    // The custom role works: a principal holding it reads identities but cannot write them.
    const rg = await group(s, 'custom-role-rg');
    await identity(s, rg, 'cr-id');
    const sp = await createServicePrincipal(s);
    const assignment = await assign(s, sp.objectId, id, sub);
    assert.equal((await sp.arm('GET', `${rg}/providers/${IDENTITY}/cr-id?api-version=${MSI_API}`)).status, 200);
    assert.equal((await sp.arm('PUT', `${rg}/providers/${IDENTITY}/cr-id2?api-version=${MSI_API}`, { location: 'westus' })).status, 403);
    const inUse = await s.arm('DELETE', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`);
    assert.equal(inUse.status, 409);
    await unassign(s, assignment);
    const del = await s.arm('DELETE', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`);
    assert.equal(del.status, 200);
    assert.equal((await s.arm('DELETE', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`)).status, 204);
  });

  test('role assignments: PUT 201 with the Azure shape, GET, duplicates, bad input, DELETE 200 then 204', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const sp = await createServicePrincipal(s);
    const name = crypto.randomUUID();
    const body = { properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`, principalId: sp.objectId, principalType: 'ServicePrincipal', description: 'd' } };
    const created = await s.arm('PUT', ra(sub, name), body);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.id, `${sub}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    assert.equal(created.body.name, name);
    assert.equal(created.body.type, 'Microsoft.Authorization/roleAssignments');
    const p = created.body.properties;
    assert.equal(p.roleDefinitionId, `${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`);
    assert.equal(p.principalId, sp.objectId);
    assert.equal(p.principalType, 'ServicePrincipal');
    assert.equal(p.scope, sub);
    assert.equal(p.description, 'd');
    for (const k of ['createdOn', 'updatedOn', 'createdBy', 'updatedBy']) assert.ok(p[k], k);
    assert.ok('condition' in p && 'conditionVersion' in p);

    const got = await s.arm('GET', ra(sub, name, '2020-04-01-preview'));
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.properties.scope, sub);

    const dup = await s.arm('PUT', ra(sub, crypto.randomUUID()), body);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'RoleAssignmentExists');
    assert.equal(dup.body.error.message, `The role assignment already exists. The ID of the existing role assignment is ${name.replace(/-/g, '')}.`);

    const noResource = await s.arm('PUT', ra(`${sub}/resourceGroups/${(await group(s, 'ra-missing')).split('/').pop()}/providers/${IDENTITY}/missing`, crypto.randomUUID()), body);
    assert.equal(noResource.status, 404);
    assert.equal(noResource.body.error.code, 'ResourceNotFound');
    assert.match(noResource.body.error.message, /Microsoft\.ManagedIdentity\/userAssignedIdentities\/missing/);
    const notGuid = await s.arm('PUT', ra(sub, 'not-a-guid'), body);
    assert.equal(notGuid.status, 400);
    const ghost = crypto.randomUUID();
    const noPrincipal = await s.arm('PUT', ra(sub, crypto.randomUUID()), { properties: { ...body.properties, principalId: ghost } });
    assert.equal(noPrincipal.status, 400);
    assert.equal(noPrincipal.body.error.code, 'PrincipalNotFound');
    assert.equal(
      noPrincipal.body.error.message,
      `Principal ${ghost.replace(/-/g, '')} does not exist in the directory ${s.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
    const noRole = await s.arm('PUT', ra(sub, crypto.randomUUID()), { properties: { ...body.properties, roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${crypto.randomUUID()}` } });
    assert.equal(noRole.status, 400);
    assert.equal(noRole.body.error.code, 'RoleDefinitionDoesNotExist');

    const del = await s.arm('DELETE', ra(sub, name));
    assert.equal(del.status, 200);
    assert.equal(del.body.name, name);
    assert.equal((await s.arm('DELETE', ra(sub, name))).status, 204);
    assert.equal((await s.arm('GET', ra(sub, name))).status, 404);
  });

  test('role assignments at /, group and resource; list filters atScope() and principalId', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const rg = await group(s, 'ra-scopes');
    const idId = await identity(s, rg, 'ra-id');
    const sp = await createServicePrincipal(s);
    const atRoot = await assign(s, sp.objectId, 'Reader', '/');
    assert.equal(atRoot, `/providers/Microsoft.Authorization/roleAssignments/${atRoot.split('/').pop()}`);
    const atGroup = await assign(s, sp.objectId, 'Managed Identity Operator', rg);
    const atResource = await assign(s, sp.objectId, 'Managed Identity Contributor', idId);
    const byId = await s.arm('GET', `${atResource}?api-version=${AUTHZ_API}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.body.properties.scope, idId);
    const rootGet = await s.arm('GET', `${atRoot}?api-version=${AUTHZ_API}`);
    assert.equal(rootGet.body.properties.scope, '/');

    const ids = (res: any) => res.body.value.map((a: any) => a.id.toLowerCase());
    const atScope = await s.arm('GET', `${rg}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}&$filter=atScope()`);
    assert.equal(atScope.status, 200, atScope.text);
    assert.ok(ids(atScope).includes(atRoot.toLowerCase()));
    assert.ok(ids(atScope).includes(atGroup.toLowerCase()));
    assert.ok(!ids(atScope).includes(atResource.toLowerCase()), 'atScope() excludes assignments below');
    const forPrincipal = await s.arm('GET', `${sub}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}&$filter=principalId%20eq%20'${sp.objectId}'`);
    assert.deepEqual(ids(forPrincipal).sort(), [atRoot, atGroup, atResource].map((x) => x.toLowerCase()).sort());
    const unfiltered = await s.arm('GET', `${rg}/providers/Microsoft.Authorization/roleAssignments?api-version=2020-04-01-preview`);
    assert.ok(ids(unfiltered).includes(atResource.toLowerCase()), 'no filter includes assignments below');

    // Deleting the identity removes the assignment on it; deleting the group removes the group's.
    assert.equal((await s.arm('DELETE', `${idId}?api-version=${MSI_API}`)).status, 200);
    assert.equal((await s.arm('GET', `${atResource}?api-version=${AUTHZ_API}`)).status, 404);
    const del = await s.arm('DELETE', `${rg}?api-version=${RG_API}`);
    assert.ok(del.status === 200 || del.status === 202);
    assert.equal((await s.arm('GET', `${atGroup}?api-version=${AUTHZ_API}`)).status, 404);
    assert.equal((await s.arm('GET', `${atRoot}?api-version=${AUTHZ_API}`)).status, 200);
    await unassign(s, atRoot);
  });

  test('seed cases: Operator reads and lists only; Contributor creates and deletes but cannot assign roles; Reader reads only', async () => {
    const s = server();
    const rg = await group(s, 'seed');
    await identity(s, rg, 'seed-id');
    const idPath = (n: string) => `${rg}/providers/${IDENTITY}/${n}?api-version=${MSI_API}`;
    const list = `${rg}/providers/${IDENTITY}?api-version=${MSI_API}`;

    const operator = await createServicePrincipal(s);
    await assign(s, operator.objectId, 'Managed Identity Operator', rg);
    assert.equal((await operator.arm('GET', idPath('seed-id'))).status, 200);
    assert.equal((await operator.arm('GET', list)).body.value.length, 1);
    const denied = await operator.arm('PUT', idPath('op-new'), { location: 'westus' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'AuthorizationFailed');
    const scope = `${rg}/providers/${IDENTITY}/op-new`;
    assert.equal(
      denied.body.error.message,
      `The client '${operator.objectId}' with object id '${operator.objectId}' does not have authorization to perform action '${IDENTITY}/write' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
    assert.equal((await operator.arm('DELETE', idPath('seed-id'))).status, 403);

    const contributor = await createServicePrincipal(s);
    await assign(s, contributor.objectId, 'Managed Identity Contributor', rg);
    assert.equal((await contributor.arm('PUT', idPath('mic-new'), { location: 'westus' })).status, 201);
    assert.equal((await contributor.arm('DELETE', idPath('mic-new'))).status, 200);
    const grant = await contributor.arm('PUT', ra(rg, crypto.randomUUID()), {
      properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Owner}`, principalId: contributor.objectId },
    });
    assert.equal(grant.status, 403);
    assert.match(grant.body.error.message, /Microsoft\.Authorization\/roleAssignments\/write/);

    const reader = await createServicePrincipal(s);
    await assign(s, reader.objectId, 'Reader', rg);
    assert.equal((await reader.arm('GET', idPath('seed-id'))).status, 200);
    assert.equal((await reader.arm('GET', `${rg}?api-version=${RG_API}`)).status, 200);
    assert.equal((await reader.arm('PUT', idPath('r-new'), { location: 'westus' })).status, 403);
    assert.equal((await reader.arm('PUT', `${rg}?api-version=${RG_API}`, { location: 'westus' })).status, 403);
  });

  test('a denial comes before the group check; lists show only what the caller may read', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const sp = await createServicePrincipal(s);
    // No role at all: a missing group is still 403, not 404.
    const missing = await sp.arm('GET', `${sub}/resourceGroups/nope/providers/${IDENTITY}/x?api-version=${MSI_API}`);
    assert.equal(missing.status, 403);
    assert.equal((await sp.arm('GET', `${sub}/providers/${IDENTITY}?api-version=${MSI_API}`)).status, 403);

    const rgA = await group(s, 'list-a');
    const rgB = await group(s, 'list-b');
    const one = await identity(s, rgA, 'one');
    await identity(s, rgA, 'two');
    await identity(s, rgB, 'three');
    const assignment = await assign(s, sp.objectId, 'Managed Identity Operator', one);
    const names = (res: any) => res.body.value.map((i: any) => i.name).sort();
    const bySub = await sp.arm('GET', `${sub}/providers/${IDENTITY}?api-version=${MSI_API}`);
    assert.equal(bySub.status, 200, bySub.text);
    assert.deepEqual(names(bySub), ['one']);
    assert.deepEqual(names(await sp.arm('GET', `${rgA}/providers/${IDENTITY}?api-version=${MSI_API}`)), ['one']);
    assert.equal((await sp.arm('GET', `${rgB}/providers/${IDENTITY}?api-version=${MSI_API}`)).status, 403);
    // Groups: an Operator role on one identity reads no group (the role is below them): an empty list.
    const noGroups = await sp.arm('GET', `${sub}/resourcegroups?api-version=${RG_API}`);
    assert.equal(noGroups.status, 200);
    assert.deepEqual(noGroups.body.value, []);
    await assign(s, sp.objectId, 'Reader', rgB);
    assert.deepEqual(names(await sp.arm('GET', `${sub}/resourcegroups?api-version=${RG_API}`)), ['list-b']);
    assert.deepEqual(names(await sp.arm('GET', `${sub}/providers/${IDENTITY}?api-version=${MSI_API}`)), ['one', 'three']);
    // The subscription is visible to a principal with a role in it.
    assert.equal((await sp.arm('GET', `${sub}?api-version=${RG_API}`)).status, 200);
    assert.equal((await sp.arm('GET', `/subscriptions?api-version=${RG_API}`)).body.value.length, 1);
    await assign(s, sp.objectId, 'Reader', sub);
    assert.deepEqual(names(await sp.arm('GET', `${sub}/providers/${IDENTITY}?api-version=${MSI_API}`)).length >= 3, true);
    await unassign(s, assignment);
  });

  test('a new assignment takes effect on the next request, and its removal too', async () => {
    const s = server();
    const rg = await group(s, 'next-request');
    const sp = await createServicePrincipal(s);
    const path = `${rg}/providers/${IDENTITY}/nrq?api-version=${MSI_API}`;
    assert.equal((await sp.arm('PUT', path, { location: 'westus' })).status, 403);
    const id = await assign(s, sp.objectId, 'Managed Identity Contributor', rg);
    assert.equal((await sp.arm('PUT', path, { location: 'westus' })).status, 201);
    await unassign(s, id);
    assert.equal((await sp.arm('DELETE', path)).status, 403);
  });

  test('permissions: the caller\'s effective actions at a scope', async () => {
    const s = server();
    const rg = await group(s, 'perm');
    const sp = await createServicePrincipal(s);
    const none = await sp.arm('GET', `${rg}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`);
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.body.value, []);
    await assign(s, sp.objectId, 'Contributor', rg);
    const some = await sp.arm('GET', `${rg}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`);
    assert.equal(some.body.value.length, 1);
    assert.deepEqual(some.body.value[0].actions, ['*']);
    assert.ok(some.body.value[0].notActions.includes('Microsoft.Authorization/*/Write'));
    assert.deepEqual(Object.keys(some.body.value[0]).sort(), ['actions', 'dataActions', 'notActions', 'notDataActions']);
  });

  test('checkAccess explains a decision; callers need roleAssignments/read at the scope', async () => {
    const s = server();
    const rg = await group(s, 'check');
    const sp = await createServicePrincipal(s);
    const assignment = await assign(s, sp.objectId, 'Managed Identity Operator', rg);
    const url = '/providers/Amity.Authorization/checkAccess?api-version=2026-01-01';
    const read = await s.arm('POST', url, { principalId: sp.objectId, action: `${IDENTITY}/read`, scope: `${rg}/providers/${IDENTITY}/x` });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.allowed, true);
    assert.equal(read.body.decidingAssignments.length, 1);
    assert.equal(read.body.decidingAssignments[0].id, assignment);
    assert.equal(read.body.decidingAssignments[0].roleName, 'Managed Identity Operator');
    assert.equal(read.body.decidingAssignments[0].roleDefinitionId.split('/').pop(), ROLE_IDS['Managed Identity Operator']);
    const write = await s.arm('POST', url, { principalId: sp.objectId, action: `${IDENTITY}/write`, scope: `${rg}/providers/${IDENTITY}/x` });
    assert.equal(write.body.allowed, false);
    assert.deepEqual(write.body.decidingAssignments, []);
    assert.match(write.body.reason, /Managed Identity Operator/);
    // The principal itself may not ask about the subscription (no roleAssignments/read there)...
    const denied = await sp.arm('POST', url, { principalId: sp.objectId, action: `${IDENTITY}/read`, scope: `/subscriptions/${s.subscriptionId}` });
    assert.equal(denied.status, 403);
    // ...but may ask within the group, where its role reads role assignments (Microsoft.Authorization/*/read).
    assert.equal((await sp.arm('POST', url, { principalId: sp.objectId, action: `${IDENTITY}/read`, scope: rg })).status, 200);
  });

  test('a role can only be assigned where it is assignable', async () => {
    const s = server();
    const sub = `/subscriptions/${s.subscriptionId}`;
    const rg = await group(s, 'assignable');
    const id = crypto.randomUUID();
    const created = await s.arm('PUT', `${rd(sub, `/${id}`)}?api-version=${AUTHZ_API}`, {
      properties: { roleName: `rg only ${id.slice(0, 8)}`, permissions: [{ actions: ['*/read'] }], assignableScopes: [rg] },
    });
    assert.equal(created.status, 201, created.text);
    const sp = await createServicePrincipal(s);
    const atSub = await s.arm('PUT', ra(sub, crypto.randomUUID()), { properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${id}`, principalId: sp.objectId } });
    assert.equal(atSub.status, 400);
    assert.equal(atSub.body.error.code, 'RoleDefinitionNotAssignableAtScope');
    await assign(s, sp.objectId, id, rg);
  });
});
