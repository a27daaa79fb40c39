import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertArmError, assertOk, createGroup, createIdentity, forEachBackend, groupIdentitiesPath, groupPath, identityPath } from './helpers.js';

await forEachBackend((server) => {
  test('a restart on the same data keeps groups, identities and the keys that signed earlier tokens', async () => {
    const s = server();
    await createGroup(s, 'rg-durable', 'northeurope');
    const created = (await createIdentity(s, 'rg-durable', 'survivor', { location: 'northeurope', tags: { keep: 'me' }, properties: { isolationScope: 'Regional' } })).body;
    await createIdentity(s, 'rg-durable', 'casualty');
    assertOk(await s.arm('DELETE', identityPath(s, 'rg-durable', 'casualty')), 200);
    const tokenBefore = await s.token();
    const urlBefore = s.url;

    await s.restart();
    assert.equal(s.url, urlBefore);

    // The token from before the restart, sent as is: the restarted server still trusts its signing key.
    const bearer = { authorization: `Bearer ${tokenBefore}` };
    const identity = await s.raw('GET', identityPath(s, 'rg-durable', 'survivor'), { headers: bearer });
    assertOk(identity);
    assert.deepEqual(identity.body, created);
    assert.equal(identity.body.properties.clientId, created.properties.clientId);
    assert.equal(identity.body.properties.principalId, created.properties.principalId);

    const group = await s.raw('GET', groupPath(s, 'rg-durable'), { headers: bearer });
    assertOk(group);
    assert.equal(group.body.location, 'northeurope');
    const listed = await s.raw('GET', groupIdentitiesPath(s, 'rg-durable'), { headers: bearer });
    assert.deepEqual(listed.body.value.map((i: any) => i.name), ['survivor']);
    assertArmError(await s.raw('GET', identityPath(s, 'rg-durable', 'casualty'), { headers: bearer }), 404, 'ResourceNotFound');

    // Writes keep working, and a PUT after the restart is still an update of the same identity.
    const updated = await s.raw('PUT', identityPath(s, 'rg-durable', 'survivor'), {
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'northeurope' }),
    });
    assertOk(updated, 200);
    assert.equal(updated.body.properties.clientId, created.properties.clientId);
    assert.equal(updated.body.properties.isolationScope, 'Regional');
  });

  test('the same tenant and subscription answer after a restart', async () => {
    const s = server();
    const before = await s.arm('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`);
    await s.restart();
    const after = await s.arm('GET', `/subscriptions/${s.subscriptionId}?api-version=2022-12-01`);
    assertOk(after);
    assert.deepEqual(after.body, before.body);
    assert.equal(after.body.tenantId, s.tenantId);
  });
});
