import assert from 'node:assert/strict';
import test from 'node:test';
import {
  iamPathOf,
  memberFilters,
  memberOf,
  mergeMembers,
  principalTypeOf,
  roleGuidOf,
  scopeCovers,
  scopeKind,
  scopeLabel,
  scopeName,
  scopeRelation,
  searchRoles,
  suggestedActions,
  type RoleDefinition,
} from '../../portal/src/pages/access/accessControl.js';
import { activityFilter, activityRow, formatTime, resourceLabel } from '../../portal/src/pages/activity/activityLog.js';
import { filterByName, resourceGroupPath } from '../../portal/src/pages/resourceGroups/resourceGroupLinks.js';

// Access control (IAM) logic: scope labels, role search, member search filters (portal/src/pages/access/accessControl.ts).

const sub = '/subscriptions/11111111-1111-1111-1111-111111111111';
const rg = `${sub}/resourceGroups/rg-a`;
const identity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1`;

test('scope relations and the Scope column, as Azure words it', () => {
  assert.equal(scopeRelation(identity, identity), 'this');
  assert.equal(scopeRelation(identity.toUpperCase(), identity), 'this');
  assert.equal(scopeRelation(rg, identity), 'inherited');
  assert.equal(scopeRelation(sub, identity), 'inherited');
  assert.equal(scopeRelation('/', identity), 'inherited');
  assert.equal(scopeRelation(identity, rg), 'child');
  assert.equal(scopeRelation(`${sub}/resourceGroups/rg-ab`, rg), 'child', 'rg-ab is not under rg-a');
  assert.equal(scopeCovers(`${sub}/resourceGroups/rg-a`, `${sub}/resourceGroups/rg-ab`), false);
  assert.equal(scopeLabel(identity, identity), 'This resource');
  assert.equal(scopeLabel(rg, identity), 'Resource group (Inherited)');
  assert.equal(scopeLabel(sub, rg), 'Subscription (Inherited)');
  assert.equal(scopeLabel('/', sub), 'Root (Inherited)');
  assert.equal(scopeLabel(identity, sub), 'Resource (Child)');
  assert.equal(scopeKind(`${sub}/`), 'Subscription');
  assert.equal(scopeName(rg), 'rg-a');
  assert.equal(scopeName('/'), 'Root');
});

const role = (roleName: string, description: string): RoleDefinition => ({
  id: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleName}`,
  name: roleName,
  properties: { roleName, description, type: 'BuiltInRole', permissions: [{ actions: ['*/read'], notActions: [] }], assignableScopes: ['/'] },
});
const roles = [
  role('Owner', 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.'),
  role('Reader', 'View all resources, but does not allow you to make any changes.'),
  role('Managed Identity Operator', 'Read and Assign User Assigned Identity'),
  role('Managed Identity Contributor', 'Create, Read, Update, and Delete User Assigned Identity'),
  role('Contributor', 'Grants full access to manage all resources.'),
];

test('role search: every word in name or description; name matches first, job functions before privileged roles', () => {
  const names = (q: string) => searchRoles(roles, q).map((r) => r.properties.roleName);
  assert.deepEqual(names(''), ['Managed Identity Contributor', 'Managed Identity Operator', 'Reader', 'Contributor', 'Owner']);
  assert.deepEqual(names('reader'), ['Reader']);
  assert.deepEqual(names('identity'), ['Managed Identity Contributor', 'Managed Identity Operator']);
  assert.deepEqual(names('assign'), ['Managed Identity Contributor', 'Managed Identity Operator', 'Owner'], 'in the description too');
  assert.deepEqual(names('managed identity operator'), ['Managed Identity Operator']);
  assert.deepEqual(names('contributor'), ['Contributor', 'Managed Identity Contributor'], 'the exact name first');
  assert.deepEqual(names('nothing-like-this'), []);
  assert.equal(roleGuidOf(`${sub}/providers/Microsoft.Authorization/roleDefinitions/ACDD72A7-3385-48EF-BD42-F606FBA81AE7`), 'acdd72a7-3385-48ef-bd42-f606fba81ae7');
});

test('member search: Graph startswith filters with quotes doubled; members of each kind', () => {
  assert.deepEqual(memberFilters(" o'brien "), {
    users: "startswith(displayName,'o''brien') or startswith(userPrincipalName,'o''brien')",
    servicePrincipals: "startswith(displayName,'o''brien')",
  });
  const u = memberOf({ id: 'u1', displayName: 'Bob', userPrincipalName: 'bob@amity.example' }, 'user');
  assert.deepEqual(u, { id: 'u1', displayName: 'Bob', detail: 'bob@amity.example', kind: 'User' });
  const mi = memberOf({ id: 'm1', displayName: 'id-1', appId: 'c1', servicePrincipalType: 'ManagedIdentity', alternativeNames: ['isExplicit=True', identity] }, 'servicePrincipal');
  assert.deepEqual(mi, { id: 'm1', displayName: 'id-1', detail: identity, kind: 'ManagedIdentity' });
  const sp = memberOf({ id: 's1', displayName: 'ci', appId: 'a1', servicePrincipalType: 'Application' }, 'servicePrincipal');
  assert.equal(sp.kind, 'ServicePrincipal');
  assert.equal(principalTypeOf('ManagedIdentity'), 'ServicePrincipal');
  assert.equal(principalTypeOf('User'), 'User');
  assert.deepEqual(mergeMembers([[u, sp], [u, mi]]).map((m) => m.id), ['u1', 's1', 'm1'].sort((a, b) => ({ u1: 'Bob', s1: 'ci', m1: 'id-1' })[a]!.localeCompare(({ u1: 'Bob', s1: 'ci', m1: 'id-1' })[b]!)));
});

test('Check access suggests the actions of what lives at the scope', () => {
  assert.equal(suggestedActions(identity)[0], 'Microsoft.ManagedIdentity/userAssignedIdentities/read');
  assert.ok(suggestedActions(identity).includes('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write'));
  assert.ok(suggestedActions(rg).includes('Microsoft.Resources/subscriptions/resourceGroups/read'));
});

test('activity log: the filter has the time range, then group and status; events become rows', () => {
  const now = Date.parse('2026-11-22T06:00:00.000Z');
  assert.equal(activityFilter({ range: '1h', resourceGroup: '', status: '' }, now), "eventTimestamp ge '2026-11-22T05:00:00.000Z' and eventTimestamp le '2026-11-22T06:00:00.000Z'");
  assert.equal(
    activityFilter({ range: '7d', resourceGroup: "rg'a", status: 'Failed' }, now),
    "eventTimestamp ge '2026-11-15T06:00:00.000Z' and eventTimestamp le '2026-11-22T06:00:00.000Z' and resourceGroupName eq 'rg''a' and status eq 'Failed'",
  );
  const row = activityRow({
    eventDataId: 'e1',
    eventTimestamp: '2026-11-22T05:59:00.000Z',
    caller: 'ada@amity.example',
    operationName: { value: 'Microsoft.Authorization/roleAssignments/write', localizedValue: 'Create role assignment' },
    status: { value: 'Failed', localizedValue: 'Failed' },
    resourceGroupName: 'rg-a',
    resourceId: `${rg}/providers/Microsoft.Authorization/roleAssignments/abc`,
    properties: { statusMessage: JSON.stringify({ error: { code: 'X', message: 'no' } }) },
  });
  assert.deepEqual(
    { op: row.operation, failed: row.failed, caller: row.caller, resource: row.resource, message: row.message, rg: row.resourceGroup },
    { op: 'Create role assignment', failed: true, caller: 'ada@amity.example', resource: 'Role assignment on rg-a', message: 'no', rg: 'rg-a' },
  );
  assert.equal(formatTime('2026-11-22T05:59:00.000Z'), '2026-11-22 05:59:00 UTC');
  assert.equal(resourceLabel(identity), 'id-1');
  assert.equal(resourceLabel('/providers/Microsoft.Authorization/roleAssignments/x'), 'Role assignment on the root');
  assert.equal(resourceLabel(`${sub}/providers/Microsoft.Authorization/roleDefinitions/x`), 'Role definition on 11111111-1111-1111-1111-111111111111');
});

test('inherited assignments are managed at their own scope', () => {
  assert.equal(iamPathOf(sub), '/subscriptions/11111111-1111-1111-1111-111111111111?tab=iam');
  assert.equal(iamPathOf(rg), '/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/rg-a?tab=iam');
  assert.equal(iamPathOf(identity), `/resource${identity}?tab=iam`);
  assert.equal(iamPathOf('/'), undefined);
});

test('resource group links and name filter', () => {
  assert.equal(resourceGroupPath('s1', 'rg a', 'iam'), '/subscriptions/s1/resourcegroups/rg%20a?tab=iam');
  assert.deepEqual(filterByName([{ name: 'b-rg' }, { name: 'A-rg' }, { name: 'other' }], 'RG').map((r) => r.name), ['A-rg', 'b-rg']);
});
