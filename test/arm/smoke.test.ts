import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/server.js';

test('a fresh server creates, lists and deletes an identity', async () => {
  const s = await startTestServer();
  try {
    const rg = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/rg1?api-version=2021-04-01`, { location: 'westus' });
    assert.equal(rg.status, 201);
    const id = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1?api-version=2024-11-30`, { location: 'westus' });
    assert.equal(id.status, 201);
    assert.match(id.body.properties.clientId, /^[0-9a-f-]{36}$/);
  } finally {
    await s.close();
  }
});
