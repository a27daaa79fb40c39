import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimsOf, login, servicePrincipalLogin, useCloud, withAzServer } from '../support/azureCli.js';

// The real Azure CLI (Debian package azure-cli 2.45), unmodified, against the server: the seed article's
// `az identity create/list/delete` plus what it needs first (cloud registration, service-principal login, groups).

const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const MSI_API_VERSION = '2024-11-30';

test('az (Debian azure-cli) manages groups and user-assigned identities on a custom cloud', (t) =>
  withAzServer(t, async (az, s) => {
    const sub = s.subscriptionId;
    await t.test('cloud register with every endpoint given, cloud set', async () => {
      await useCloud(az, s, 'Amity');
    });

    await t.test('login with a wrong secret fails with AADSTS7000215', async () => {
      const r = await az.fails(...servicePrincipalLogin(s.clientId, `${s.clientSecret}x`, s.tenantId));
      assert.match(r.stderr, /AADSTS7000215/);
    });

    await t.test('service-principal login lists the subscription', async () => {
      const r = await login(az, s);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Array.isArray(r.json));
      const entry = r.json.find((e: any) => e.id === sub);
      assert.ok(entry, `subscription ${sub} not in ${r.stdout}`);
      assert.equal(entry.tenantId, s.tenantId);
      assert.equal(entry.homeTenantId, s.tenantId);
      assert.equal(entry.state, 'Enabled');
      assert.equal(entry.isDefault, true);
      assert.equal(entry.cloudName, 'Amity');
      assert.deepEqual(entry.user, { name: s.clientId, type: 'servicePrincipal' });
    });

    await t.test('account show and get-access-token', async () => {
      const account = await az.ok('account', 'show');
      assert.equal(account.id, sub);
      assert.equal(account.tenantId, s.tenantId);
      assert.equal(account.environmentName, 'Amity');

      const token = await az.ok('account', 'get-access-token');
      assert.equal(token.subscription, sub);
      assert.equal(token.tenant, s.tenantId);
      assert.equal(token.tokenType, 'Bearer');
      const claims = claimsOf(token.accessToken);
      // az asks for `<url>//.default` (resource id ending in `/`); the audience is that resource id.
      assert.equal(claims.aud, `${s.url}/`);
      assert.equal(claims.tid, s.tenantId);
      assert.equal(claims.appid, s.clientId);
      assert.ok(claims.exp * 1000 > Date.now() + 30 * 60_000);
      // The token az holds is one ARM accepts.
      const res = await s.raw('GET', `/subscriptions/${sub}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token.accessToken}` } });
      assert.equal(res.status, 200, res.text);

      // Azure's own ARM resource id works as well (sent as `https://management.azure.com//.default`).
      const azureToken = await az.ok('account', 'get-access-token', '--resource', 'https://management.azure.com/');
      assert.equal(claimsOf(azureToken.accessToken).aud, 'https://management.azure.com/');
      const res2 = await s.raw('GET', `/subscriptions/${sub}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${azureToken.accessToken}` } });
      assert.equal(res2.status, 200, res2.text);
    });

    await t.test('group create, list, show, exists', async () => {
      const created = await az.ok('group', 'create', '-n', 'rg1', '-l', 'westus');
      assert.equal(created.name, 'rg1');
      assert.equal(created.location, 'westus');
      assert.equal(created.id.toLowerCase(), `/subscriptions/${sub}/resourcegroups/rg1`);
      assert.equal(created.properties.provisioningState, 'Succeeded');
      const listed = await az.ok('group', 'list');
      assert.deepEqual(listed.map((g: any) => g.name), ['rg1']);
      const shown = await az.ok('group', 'show', '-n', 'rg1');
      assert.equal(shown.id, created.id);
      assert.equal(shown.type, 'Microsoft.Resources/resourceGroups');
      assert.equal(await az.ok('group', 'exists', '-n', 'rg1'), true);
    });

    await t.test('identity create takes the group location without -l, and -l when given', async () => {
      const id1 = await az.ok('identity', 'create', '-g', 'rg1', '-n', 'id1');
      assert.equal(id1.name, 'id1');
      assert.equal(id1.location, 'westus');
      assert.equal(id1.type, IDENTITY_TYPE);
      assert.equal(id1.resourceGroup, 'rg1');
      assert.equal(id1.tenantId, s.tenantId);
      assert.match(id1.clientId, /^[0-9a-f-]{36}$/);
      assert.match(id1.principalId, /^[0-9a-f-]{36}$/);
      const id2 = await az.ok('identity', 'create', '-g', 'rg1', '-n', 'id2', '-l', 'eastus');
      assert.equal(id2.location, 'eastus');
      assert.notEqual(id2.clientId, id1.clientId);
    });

    await t.test('identity list, by group and for the whole subscription', async () => {
      const inGroup = await az.ok('identity', 'list', '-g', 'rg1');
      assert.deepEqual(inGroup.map((i: any) => i.name).sort(), ['id1', 'id2']);
      assert.ok(inGroup.every((i: any) => i.type === IDENTITY_TYPE));
      const all = await az.ok('identity', 'list');
      assert.deepEqual(all.map((i: any) => i.name).sort(), ['id1', 'id2']);
    });

    await t.test('identity show matches what the REST API says', async () => {
      const shown = await az.ok('identity', 'show', '-g', 'rg1', '-n', 'id1');
      const rest = await s.arm('GET', `/subscriptions/${sub}/resourceGroups/rg1/providers/${IDENTITY_TYPE}/id1?api-version=${MSI_API_VERSION}`);
      assert.equal(rest.status, 200, rest.text);
      assert.equal(shown.id, rest.body.id);
      assert.equal(shown.clientId, rest.body.properties.clientId);
      assert.equal(shown.principalId, rest.body.properties.principalId);
      assert.equal(shown.tenantId, rest.body.properties.tenantId);
    });

    await t.test('identity delete, then show fails with ResourceNotFound', async () => {
      await az.ok('identity', 'delete', '-g', 'rg1', '-n', 'id1');
      const r = await az.fails('identity', 'show', '-g', 'rg1', '-n', 'id1');
      assert.match(r.stderr, /ResourceNotFound/);
      const left = await az.ok('identity', 'list', '-g', 'rg1');
      assert.deepEqual(left.map((i: any) => i.name), ['id2']);
    });

    await t.test('identity create in a missing group fails with ResourceGroupNotFound', async () => {
      const withoutLocation = await az.fails('identity', 'create', '-g', 'missing', '-n', 'x');
      assert.match(withoutLocation.stderr, /ResourceGroupNotFound/);
      const withLocation = await az.fails('identity', 'create', '-g', 'missing', '-n', 'x', '-l', 'westus');
      assert.match(withLocation.stderr, /ResourceGroupNotFound/);
    });

    await t.test('group delete removes the group and its identities', async () => {
      await az.ok('group', 'delete', '-n', 'rg1', '--yes');
      assert.equal(await az.ok('group', 'exists', '-n', 'rg1'), false);
      assert.deepEqual(await az.ok('identity', 'list'), []);
    });
  }),
);

test('az cloud register with only the ARM endpoint learns the rest from /metadata/endpoints', (t) =>
  withAzServer(t, async (az, s) => {
    // az fetches `<arm>/metadata/endpoints`, i.e. `//metadata/endpoints` for an endpoint ending in `/`.
    await az.ok('cloud', 'register', '-n', 'Amity2', '--endpoint-resource-manager', `${s.url}/`);
    const cloud = await az.ok('cloud', 'show', '-n', 'Amity2');
    assert.equal(cloud.endpoints.resourceManager, `${s.url}/`);
    assert.equal(cloud.endpoints.activeDirectory, `${s.url}/adfs`);
    assert.equal(cloud.endpoints.activeDirectoryResourceId, `${s.url}/`);
    assert.equal(cloud.endpoints.activeDirectoryGraphResourceId, `${s.url}/graph/`);
    await az.ok('cloud', 'set', '-n', 'Amity2');
    const r = await login(az, s);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.json.some((e: any) => e.id === s.subscriptionId && e.cloudName === 'Amity2'), r.stdout);
    await az.ok('group', 'create', '-n', 'rg2', '-l', 'eastus');
    const id = await az.ok('identity', 'create', '-g', 'rg2', '-n', 'via-metadata');
    assert.equal(id.location, 'eastus');
  }),
);
