import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertArmError, assertOk, forEachBackend, GUID, groupPath, identityPath } from './helpers.js';

const API = '2022-12-01';

await forEachBackend((server) => {
  test('GET /subscriptions lists the subscription of this tenant', async () => {
    const s = server();
    const res = await s.arm('GET', `/subscriptions?api-version=${API}`);
    assertOk(res);
    const mine = res.body.value.filter((x: any) => x.subscriptionId === s.subscriptionId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].id, `/subscriptions/${s.subscriptionId}`);
    assert.equal(mine[0].tenantId, s.tenantId);
    assert.equal(mine[0].state, 'Enabled');
    assert.equal(typeof mine[0].displayName, 'string');
    for (const sub of res.body.value) assert.equal(sub.tenantId, s.tenantId);
  });

  test('GET /subscriptions/{id} returns it, in any case', async () => {
    const s = server();
    const res = await s.arm('GET', `/subscriptions/${s.subscriptionId}?api-version=${API}`);
    assertOk(res);
    assert.equal(res.body.id, `/subscriptions/${s.subscriptionId}`);
    assert.equal(res.body.subscriptionId, s.subscriptionId);
    assert.equal(res.body.tenantId, s.tenantId);
    assert.equal(res.body.state, 'Enabled');
    assert.equal(res.body.subscriptionPolicies.spendingLimit, 'Off');
    assert.equal(typeof res.body.subscriptionPolicies.locationPlacementId, 'string');
    assert.ok(Array.isArray(res.body.managedByTenants));

    const upper = await s.arm('GET', `/subscriptions/${s.subscriptionId.toUpperCase()}?api-version=${API}`);
    assertOk(upper);
    assert.equal(upper.body.subscriptionId, s.subscriptionId);
  });

  test('an unknown subscription is 404 SubscriptionNotFound, also below it', async () => {
    const s = server();
    const unknown = '00000000-0000-0000-0000-0000000000aa';
    const message = `The subscription '${unknown}' could not be found.`;
    assertArmError(await s.arm('GET', `/subscriptions/${unknown}?api-version=${API}`), 404, 'SubscriptionNotFound', message);
    assertArmError(await s.arm('PUT', `/subscriptions/${unknown}/resourcegroups/rg?api-version=${API}`, { location: 'westus' }), 404, 'SubscriptionNotFound', message);
    assertArmError(
      await s.arm('GET', `/subscriptions/${unknown}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`),
      404,
      'SubscriptionNotFound',
      message,
    );
  });

  test('a malformed subscription id is 400 InvalidSubscriptionId, also below it', async () => {
    const s = server();
    const message = "The provided subscription identifier 'not-a-guid' is malformed or invalid.";
    assertArmError(await s.arm('GET', `/subscriptions/not-a-guid?api-version=${API}`), 400, 'InvalidSubscriptionId', message);
    assertArmError(await s.arm('GET', `/subscriptions/not-a-guid/resourcegroups?api-version=${API}`), 400, 'InvalidSubscriptionId', message);
    assertArmError(
      await s.arm('PUT', `/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/abc?api-version=2024-11-30`, { location: 'westus' }),
      400,
      'InvalidSubscriptionId',
      message,
    );
  });

  test('GET /subscriptions/{id}/locations lists region names and display names', async () => {
    const s = server();
    const res = await s.arm('GET', `/subscriptions/${s.subscriptionId}/locations?api-version=${API}`);
    assertOk(res);
    const byName = new Map(res.body.value.map((l: any) => [l.name, l]));
    const expected: [string, string][] = [
      ['westus', 'West US'],
      ['eastus', 'East US'],
      ['eastus2', 'East US 2'],
      ['westeurope', 'West Europe'],
      ['northeurope', 'North Europe'],
    ];
    for (const [name, displayName] of expected) {
      const loc: any = byName.get(name);
      assert.ok(loc, `${name} listed`);
      assert.equal(loc.displayName, displayName);
      assert.equal(loc.id, `/subscriptions/${s.subscriptionId}/locations/${name}`);
      assert.equal(loc.type, 'Region');
    }
    assert.equal(byName.size, res.body.value.length, 'each location is listed once');
    for (const loc of res.body.value) assert.match(loc.name, /^[a-z0-9]+$/);
  });

  test('every listed location is accepted for a resource group and an identity', async () => {
    const s = server();
    const res = await s.arm('GET', `/subscriptions/${s.subscriptionId}/locations?api-version=${API}`);
    const [first, last] = [res.body.value[0], res.body.value[res.body.value.length - 1]];
    for (const loc of [first, last]) {
      const group = `rg-loc-${loc.name}`;
      const created = await s.arm('PUT', groupPath(s, group), { location: loc.displayName });
      assertOk(created, 201);
      assert.equal(created.body.location, loc.name);
      const identity = await s.arm('PUT', identityPath(s, group, 'placed'), { location: loc.displayName });
      assertOk(identity, 201);
      assert.equal(identity.body.location, loc.name);
    }
  });

  test('GET /tenants lists this tenant', async () => {
    const s = server();
    const res = await s.arm('GET', `/tenants?api-version=${API}`);
    assertOk(res);
    assert.deepEqual(
      res.body.value.map((t: any) => [t.id, t.tenantId]),
      [[`/tenants/${s.tenantId}`, s.tenantId]],
    );
    assert.match(res.body.value[0].tenantId, GUID);
  });

  test('GET /metadata/endpoints needs no token and describes this cloud as az reads it', async () => {
    const s = server();
    const res = await s.raw('GET', '/metadata/endpoints?api-version=2022-09-01');
    assertOk(res);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.body.resourceManager, `${s.url}/`);
    assert.equal(res.body.authentication.loginEndpoint, `${s.url}/adfs`);
    assert.match(res.body.authentication.loginEndpoint, /\/adfs$/);
    assert.ok(Array.isArray(res.body.authentication.audiences));
    assert.ok(res.body.authentication.audiences.includes(`${s.url}/`));
    assert.equal(typeof res.body.name, 'string');
  });

  test('ARM calls without a token are 401 AuthenticationFailed', async () => {
    const s = server();
    assertArmError(
      await s.raw('GET', `/subscriptions/${s.subscriptionId}?api-version=${API}`),
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    );
    assertArmError(await s.raw('GET', `/subscriptions?api-version=${API}`, { headers: { authorization: 'Basic abc' } }), 401, 'AuthenticationFailedInvalidHeader');
  });
});
