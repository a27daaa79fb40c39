import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { assign, AUTHZ_API, createServicePrincipal, type TestPrincipal } from '../rbac/support.js';
import { group, identity, UAMI, vm, VM, VM_API, vmPath } from './support.js';

// Hosts under RBAC: assigning a user-assigned identity is a linked action on the identity (assign/action), and
// the Amity actions on hosts and identities need the RBAC actions Azure names.
let s: TestServer;
let caller: TestPrincipal;
let rg: string;
let idRg: string;
before(async () => {
  s = await startTestServer();
  rg = await group(s, 'hosts-rbac');
  idRg = await group(s, 'identities-rbac');
  caller = await createServicePrincipal(s, 'vm-operator');
  await assign(s, caller.objectId, 'Virtual Machine Contributor', rg);
});
after(() => s.close());

test('assigning an identity needs assign/action on it: 403 LinkedAuthorizationFailed, then allowed with Managed Identity Operator', async () => {
  const a = await identity(s, idRg, 'linked-a');
  const b = await identity(s, idRg, 'linked-b');
  const created = await caller.arm('PUT', vmPath(rg, 'op-1'), { location: 'westus', identity: { type: 'SystemAssigned' } });
  assert.equal(created.status, 201, 'a system-assigned identity needs no linked permission: ' + created.text);
  const vmId = created.body.id;

  const denied = await caller.arm('PATCH', vmPath(rg, 'op-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [a.id]: {}, [b.id]: {} } } });
  assert.equal(denied.status, 403, denied.text);
  assert.equal(denied.body.error.code, 'LinkedAuthorizationFailed');
  assert.equal(
    denied.body.error.message,
    `The client '${caller.objectId}' with object id '${caller.objectId}' has permission to perform action 'Microsoft.Compute/virtualMachines/write' on scope '${vmId}'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${a.id},${b.id}' or the linked scope(s) are invalid.`,
  );
  assert.equal((await s.arm('GET', vmPath(rg, 'op-1'))).body.identity.userAssignedIdentities, undefined, 'nothing was assigned');

  await assign(s, caller.objectId, 'Managed Identity Operator', a.id);
  const partly = await caller.arm('PATCH', vmPath(rg, 'op-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [a.id]: {}, [b.id]: {} } } });
  assert.equal(partly.status, 403);
  assert.ok(partly.body.error.message.endsWith(`linked scope(s) '${b.id}' or the linked scope(s) are invalid.`), partly.text);
  const allowed = await caller.arm('PATCH', vmPath(rg, 'op-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
  assert.equal(allowed.status, 200, allowed.text);
  // Identities already assigned need no new check; removing needs none either.
  const onB = await assign(s, caller.objectId, 'Managed Identity Operator', b.id);
  const both = await caller.arm('PATCH', vmPath(rg, 'op-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [b.id]: {} } } });
  assert.equal(both.status, 200, both.text);
  assert.equal((await s.arm('DELETE', `${onB}?api-version=${AUTHZ_API}`)).status, 200);
  const removed = await caller.arm('PATCH', vmPath(rg, 'op-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [b.id]: null } } });
  assert.equal(removed.status, 200, removed.text);

  // Reading the system-assigned identity is Microsoft.ManagedIdentity/identities/read (which VM Contributor lacks, Reader has).
  const defPath = `${vmId}/providers/Microsoft.ManagedIdentity/identities/default?api-version=2018-11-30`;
  const noRead = await caller.arm('GET', defPath);
  assert.equal(noRead.status, 403);
  assert.match(noRead.body.error.message, /Microsoft\.ManagedIdentity\/identities\/read/);
  const reader = await createServicePrincipal(s, 'default-reader');
  await assign(s, reader.objectId, 'Reader', vmId);
  const def = await reader.arm('GET', defPath);
  assert.equal(def.status, 200, def.text);
  assert.equal(def.body.properties.principalId, created.body.identity.principalId);
});

test('regenerateIdentityCredential needs virtualMachines/write; listAssociatedResources and revokeTokens their own actions', async () => {
  const reader = await createServicePrincipal(s, 'vm-reader');
  await assign(s, reader.objectId, 'Reader', rg);
  await vm(s, rg, 'cred-1');
  const path = `${rg}/providers/${VM}/cred-1/regenerateIdentityCredential?api-version=${VM_API}`;
  const denied = await reader.arm('POST', path);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'AuthorizationFailed');
  assert.match(denied.body.error.message, /'Microsoft\.Compute\/virtualMachines\/write'/);
  const ok = await caller.arm('POST', path);
  assert.equal(ok.status, 200, ok.text);

  // A custom role with only virtualMachines/write is enough.
  const roleId = crypto.randomUUID();
  const sub = `/subscriptions/${s.subscriptionId}`;
  const role = await s.arm('PUT', `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleId}?api-version=${AUTHZ_API}`, {
    properties: { roleName: 'VM writer only', type: 'CustomRole', permissions: [{ actions: ['Microsoft.Compute/virtualMachines/write'], notActions: [] }], assignableScopes: [sub] },
  });
  assert.equal(role.status, 201, role.text);
  const writer = await createServicePrincipal(s, 'vm-writer');
  await assign(s, writer.objectId, roleId, rg);
  assert.equal((await writer.arm('POST', path)).status, 200);

  const a = await identity(s, idRg, 'assoc');
  const list = await reader.arm('POST', `${a.id}/listAssociatedResources?api-version=2022-01-31-preview`);
  assert.equal(list.status, 403);
  assert.match(list.body.error.message, /userAssignedIdentities\/listAssociatedResources\/action/);
  const revoke = await caller.arm('POST', `${a.id}/revokeTokens?api-version=2023-07-31-preview`);
  assert.equal(revoke.status, 403);
  assert.match(revoke.body.error.message, /userAssignedIdentities\/revokeTokens\/action/);
  const listed = await s.arm('POST', `${a.id}/listAssociatedResources?api-version=2022-01-31-preview`);
  assert.equal(listed.status, 200);
  assert.ok(UAMI);
});
