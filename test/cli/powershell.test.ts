import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';

// PowerShell cannot run here. These are the requests Az.Accounts and Az.ManagedServiceIdentity send (paths and
// api-versions from Azure/azure-powershell src/ManagedServiceIdentity: the AutoRest module on 2023-01-31, associated
// resources on 2022-01-31-preview; the module before it (Az ≤ 9) on 2018-11-30), each checked to be served.

const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
let s: TestServer;
let rg: string;

before(async () => {
  s = await startTestServer();
  rg = `/subscriptions/${s.subscriptionId}/resourceGroups/rg-ps`;
  assert.equal((await s.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' })).status, 201);
});

after(() => s?.close());

test('Connect-AzAccount -Environment (ADFS) -ServicePrincipal: the token from <server>/adfs, then tenants and subscriptions', async () => {
  for (const form of [{ scope: `${s.url}/.default` }, { resource: `${s.url}/` }] as Record<string, string>[]) {
    const token = await s.raw('POST', '/adfs/oauth2/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, ...form }).toString(),
    });
    assert.equal(token.status, 200, token.text);
  }
  for (const version of ['2016-06-01', '2021-01-01']) {
    assert.equal((await s.arm('GET', `/tenants?api-version=${version}`)).status, 200);
    const subs = await s.arm('GET', `/subscriptions?api-version=${version}`);
    assert.equal(subs.status, 200);
    assert.ok(subs.body.value.some((x: { subscriptionId: string }) => x.subscriptionId === s.subscriptionId));
  }
});

for (const version of ['2023-01-31', '2018-11-30']) {
  test(`New-, Get-, Update-, Remove-AzUserAssignedIdentity (api-version ${version})`, async () => {
    const id = `${rg}/providers/${UAMI}/ps-${version}`;
    // New-AzUserAssignedIdentity -ResourceGroupName rg-ps -Name … -Location westus -Tag @{env='dev'}
    const created = await s.arm('PUT', `${id}?api-version=${version}`, { location: 'westus', tags: { env: 'dev' } });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.properties.clientId, /^[0-9a-f-]{36}$/);
    // Get-AzUserAssignedIdentity -ResourceGroupName -Name; by group; for the subscription.
    assert.equal((await s.arm('GET', `${id}?api-version=${version}`)).status, 200);
    const inGroup = await s.arm('GET', `${rg}/providers/${UAMI}?api-version=${version}`);
    assert.ok(inGroup.body.value.some((i: { id: string }) => i.id === id));
    const inSub = await s.arm('GET', `/subscriptions/${s.subscriptionId}/providers/${UAMI}?api-version=${version}`);
    assert.ok(inSub.body.value.some((i: { id: string }) => i.id === id));
    // Update-AzUserAssignedIdentity -Tag (the AutoRest module's PATCH).
    const patched = await s.arm('PATCH', `${id}?api-version=${version}`, { tags: { env: 'prod' } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.tags, { env: 'prod' });
    // Remove-AzUserAssignedIdentity: 200, then 204 for an identity already gone.
    assert.equal((await s.arm('DELETE', `${id}?api-version=${version}`)).status, 200);
    assert.equal((await s.arm('DELETE', `${id}?api-version=${version}`)).status, 204);
  });
}

test('New-, Get-, Update-, Remove-AzFederatedIdentityCredential and Get-AzUserAssignedIdentityAssociatedResource', async () => {
  const id = `${rg}/providers/${UAMI}/ps-fic-host`;
  assert.equal((await s.arm('PUT', `${id}?api-version=2023-01-31`, { location: 'westus' })).status, 201);
  const fic = `${id}/federatedIdentityCredentials/ps-fic`;
  const body = { properties: { issuer: 'https://issuer.example.test', subject: 'ps-subject', audiences: ['api://AzureADTokenExchange'] } };
  assert.equal((await s.arm('PUT', `${fic}?api-version=2023-01-31`, body)).status, 201);
  assert.equal((await s.arm('GET', `${fic}?api-version=2023-01-31`)).status, 200);
  assert.equal((await s.arm('GET', `${id}/federatedIdentityCredentials?api-version=2023-01-31`)).body.value.length, 1);
  assert.equal((await s.arm('PUT', `${fic}?api-version=2023-01-31`, { properties: { ...body.properties, subject: 'changed' } })).status, 200);
  assert.equal((await s.arm('DELETE', `${fic}?api-version=2023-01-31`)).status, 200);
  const associated = await s.arm('POST', `${id}/listAssociatedResources?api-version=2022-01-31-preview`);
  assert.equal(associated.status, 200, associated.text);
  assert.deepEqual(associated.body, { totalCount: 0, value: [] });
});

test('Get-AzSystemAssignedIdentity -Scope <vm id>', async () => {
  const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/ps-vm`;
  assert.ok([200, 201].includes((await s.arm('PUT', `${vm}?api-version=2022-08-01`, { location: 'westus', identity: { type: 'SystemAssigned' } })).status));
  const system = await s.arm('GET', `${vm}/providers/Microsoft.ManagedIdentity/identities/default?api-version=2023-01-31`);
  assert.equal(system.status, 200, system.text);
  assert.match(system.body.properties.principalId, /^[0-9a-f-]{36}$/);
});
