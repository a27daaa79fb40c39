import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { principalStore } from '../../src/store/principals.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The directory has no public read API yet (Microsoft Graph comes later), so the principal is looked up
// in the server's own store: the identity's clientId/principalId must name a real directory object.
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s.close());

const identity = (rg: string, name: string) =>
  `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2024-11-30`;

test('each identity owns a service principal, removed with the identity', async () => {
  await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/sp1?api-version=2021-04-01`, { location: 'westus' });
  const created = await s.arm('PUT', identity('sp1', 'owner'), { location: 'westus' });
  assert.equal(created.status, 201);
  const { clientId, principalId, tenantId } = created.body.properties;
  const principal = await principalStore.byAppId(s.running.context.database.db, clientId);
  assert.equal(principal?.object_id, principalId);
  assert.equal(principal?.tenant_id, tenantId);
  assert.equal(principal?.kind, 'ManagedIdentity');

  assert.equal((await s.arm('DELETE', identity('sp1', 'owner'))).status, 200);
  assert.equal(await principalStore.byAppId(s.running.context.database.db, clientId), undefined);
  assert.equal(await principalStore.byObjectId(s.running.context.database.db, principalId), undefined);
});

test('deleting the resource group removes the principals of the identities in it', async () => {
  await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/sp2?api-version=2021-04-01`, { location: 'westus' });
  const ids = await Promise.all(['member-1', 'member-2', 'member-3'].map((n) => s.arm('PUT', identity('sp2', n), { location: 'westus' })));
  for (const id of ids) assert.equal(id.status, 201, id.text);
  assert.equal((await s.arm('DELETE', `/subscriptions/${s.subscriptionId}/resourcegroups/sp2?api-version=2021-04-01`)).status, 200);
  for (const id of ids) assert.equal(await principalStore.byAppId(s.running.context.database.db, id.body.properties.clientId), undefined);
});
