import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServicePrincipal, assign } from '../rbac/support.js';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { addFillerRows, assertArmError, assertOk, createGroup, createIdentity, forEachBackend, pathOfLink } from './helpers.js';

/** Azure's generic resource list: GET /subscriptions/{s}[/resourceGroups/{rg}]/resources (Resources_List / _ListByResourceGroup). */
const API = '2021-04-01';
const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VM = 'Microsoft.Compute/virtualMachines';

const subList = (s: TestServer, query = '') => `/subscriptions/${s.subscriptionId}/resources?api-version=${API}${query}`;
const groupList = (s: TestServer, group: string, query = '') => `/subscriptions/${s.subscriptionId}/resourceGroups/${group}/resources?api-version=${API}${query}`;
const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), '../conformance/sdkResourcesListScenario.ts');
const filter = (f: string) => `&$filter=${encodeURIComponent(f)}`;

async function names(s: TestServer, path: string): Promise<string[]> {
  const res = await s.arm('GET', path);
  assertOk(res);
  return res.body.value.map((r: { name: string }) => r.name).sort();
}

await forEachBackend((server) => {
  let s: TestServer;
  before(async () => {
    s = server();
    await createGroup(s, 'gl-a', 'westus');
    await createGroup(s, 'gl-b', 'eastus');
    await createIdentity(s, 'gl-a', 'web-front', { location: 'westus', tags: { Env: 'Prod', team: 'web' } });
    await createIdentity(s, 'gl-a', 'web-back', { location: 'westus', tags: { env: 'dev' } });
    await createIdentity(s, 'gl-b', 'batch', { location: 'eastus', tags: { department: 'fin', 'x_y': '1' } });
    const fic = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/gl-a/providers/${UAMI}/web-front/federatedIdentityCredentials/fic1?api-version=2023-01-31`, {
      properties: { issuer: 'https://issuer.example', subject: 'sub', audiences: ['api://AzureADTokenExchange'] },
    });
    assert.ok(fic.status === 200 || fic.status === 201, fic.text);
    const vm = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/gl-b/providers/${VM}/host1?api-version=2024-07-01`, {
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
    });
    assert.ok(vm.status === 201 || vm.status === 200, vm.text);
  });

  test('lists every top-level resource of the subscription in GenericResourceExpanded shape, groups and child resources left out', async () => {
    const res = await s.arm('GET', subList(s));
    assertOk(res);
    const byName = new Map<string, any>(res.body.value.map((r: any) => [r.name, r]));
    assert.deepEqual([...byName.keys()].sort(), ['batch', 'host1', 'web-back', 'web-front']);
    const front = byName.get('web-front');
    assert.deepEqual(Object.keys(front).sort(), ['id', 'location', 'name', 'tags', 'type']);
    assert.equal(front.type, UAMI);
    assert.equal(front.id, `/subscriptions/${s.subscriptionId}/resourceGroups/gl-a/providers/${UAMI}/web-front`);
    assert.deepEqual(front.tags, { Env: 'Prod', team: 'web' });
    const host = byName.get('host1');
    assert.equal(host.type, VM);
    assert.equal(host.identity.type, 'SystemAssigned');
    assert.equal(host.identity.tenantId, s.tenantId);
    assert.equal(host.properties, undefined);
  });

  test('a resource group lists its own resources; a missing group is ResourceGroupNotFound', async () => {
    assert.deepEqual(await names(s, groupList(s, 'gl-b')), ['batch', 'host1']);
    assert.deepEqual(await names(s, groupList(s, 'GL-A')), ['web-back', 'web-front']);
    assertArmError(await s.arm('GET', groupList(s, 'nope')), 404, 'ResourceGroupNotFound');
  });

  test('$filter: resourceType, name, location, resourceGroup, substringof, joined by and', async () => {
    assert.deepEqual(await names(s, subList(s, filter(`resourceType eq '${VM}'`))), ['host1']);
    assert.deepEqual(await names(s, subList(s, filter(`resourceType eq 'microsoft.managedidentity/USERASSIGNEDIDENTITIES'`))), ['batch', 'web-back', 'web-front']);
    assert.deepEqual(await names(s, subList(s, filter(`resourceType ne '${UAMI}'`))), ['host1']);
    assert.deepEqual(await names(s, subList(s, filter(`name eq 'WEB-FRONT'`))), ['web-front']);
    assert.deepEqual(await names(s, subList(s, filter(`location eq 'eastus'`))), ['batch', 'host1']);
    assert.deepEqual(await names(s, subList(s, filter(`location eq 'East US'`))), ['batch', 'host1']);
    assert.deepEqual(await names(s, subList(s, filter(`resourceGroup eq 'GL-A'`))), ['web-back', 'web-front']);
    assert.deepEqual(await names(s, subList(s, filter(`substringof('WEB', name)`))), ['web-back', 'web-front']);
    assert.deepEqual(await names(s, subList(s, filter(`substringof('-b', resourceGroup)`))), ['batch', 'host1']);
    assert.deepEqual(await names(s, subList(s, filter(`substringof('web', name) and resourceType eq '${UAMI}' and location eq 'westus'`))), ['web-back', 'web-front']);
    assert.deepEqual(await names(s, groupList(s, 'gl-b', filter(`substringof('a', name) and resourceType eq '${UAMI}'`))), ['batch']);
    // LIKE's wildcards are literal in a substring.
    assert.deepEqual(await names(s, subList(s, filter(`substringof('%', name)`))), []);
    assert.deepEqual(await names(s, subList(s, filter(`substringof('_', name)`))), []);
  });

  test('$filter: tags on their own (name, name and value, prefix); name and value hides the tags', async () => {
    assert.deepEqual(await names(s, subList(s, filter(`tagName eq 'env'`))), ['web-back', 'web-front']);
    const both = await s.arm('GET', subList(s, filter(`tagName eq 'ENV' and tagValue eq 'Prod'`)));
    assertOk(both);
    assert.deepEqual(both.body.value.map((r: any) => r.name), ['web-front']);
    assert.equal(both.body.value[0].tags, undefined);
    // Tag values are case-sensitive in Azure.
    assert.deepEqual(await names(s, subList(s, filter(`tagName eq 'env' and tagValue eq 'prod'`))), []);
    assert.deepEqual(await names(s, subList(s, filter(`startswith(tagName, 'depart')`))), ['batch']);
    assert.deepEqual(await names(s, subList(s, filter(`startswith(tagName, 'x_')`))), ['batch']);
    // A value that looks like a tag name is not one.
    assert.deepEqual(await names(s, subList(s, filter(`tagName eq 'Prod'`))), []);
  });

  test('$filter that ARM refuses: InvalidFilterInQueryString', async () => {
    for (const f of [`tagName eq 'env' and resourceType eq '${UAMI}'`, `tagValue eq 'x'`, `name gt 'a'`, `substringof('a', location)`, `name eq 'a' or name eq 'b'`, `colour eq 'red'`, `name eq 'a' and`]) {
      assertArmError(await s.arm('GET', subList(s, filter(f))), 400, 'InvalidFilterInQueryString', `Invalid $filter '${f}' specified in the query string.`);
    }
  });

  test('$expand=createdTime,changedTime,provisioningState', async () => {
    const res = await s.arm('GET', subList(s, `${filter(`name eq 'batch'`)}&$expand=createdTime,changedTime,provisioningState`));
    assertOk(res);
    const [item] = res.body.value;
    assert.match(item.createdTime, /^\d{4}-\d\d-\d\dT/);
    assert.match(item.changedTime, /^\d{4}-\d\d-\d\dT/);
    assert.equal(item.provisioningState, 'Succeeded');
  });

  test('$top and nextLink page in key order and keep the filter; an unknown api-version is refused', async () => {
    await createGroup(s, 'gl-many', 'westus');
    await addFillerRows(s, 'gl-many', 250);
    const seen: string[] = [];
    let path: string | undefined = groupList(s, 'gl-many', `&$top=100${filter(`substringof('filler-1', name)`)}`);
    let pages = 0;
    while (path) {
      const res = await s.arm('GET', path);
      assertOk(res);
      pages++;
      seen.push(...res.body.value.map((r: any) => r.name));
      path = res.body.nextLink === undefined ? undefined : pathOfLink(s, res.body.nextLink);
      if (path) assert.match(path, /\$filter=/);
    }
    // filler-1, filler-10..19, filler-100..199: 111 names.
    assert.equal(seen.length, 111);
    assert.equal(pages, 2);
    assert.equal(new Set(seen).size, seen.length);
    assertArmError(await s.arm('GET', `/subscriptions/${s.subscriptionId}/resources?api-version=2099-01-01`), 400, 'InvalidApiVersionParameter');
  });

  test('RBAC: a caller with Reader on one group sees only its resources; none at all is AuthorizationFailed', async () => {
    const sp = await createServicePrincipal(s, 'generic-list-reader');
    assertArmError(await sp.arm('GET', subList(s)), 403, 'AuthorizationFailed');
    await assign(s, sp.objectId, 'Reader', `/subscriptions/${s.subscriptionId}/resourceGroups/gl-b`);
    const res = await sp.arm('GET', subList(s, filter(`resourceGroup ne 'gl-many'`)));
    assertOk(res);
    assert.deepEqual(res.body.value.map((r: any) => r.name).sort(), ['batch', 'host1']);
    assertArmError(await sp.arm('GET', groupList(s, 'gl-a')), 403, 'AuthorizationFailed');
    assertOk(await sp.arm('GET', groupList(s, 'gl-b')));
  });
});

await forEachBackend((server) => {
  test('stays fast with 100,000 resources: filters run in SQL, so one far-away match costs one scan, not pages of requests', { timeout: 300_000 }, async () => {
    const s = server();
    await createGroup(s, 'gl-big', 'westus');
    await addFillerRows(s, 'gl-big', 100_000);
    const timed = async (path: string) => {
      const started = performance.now();
      const res = await s.arm('GET', path);
      assertOk(res);
      return { ms: performance.now() - started, body: res.body };
    };
    await timed(subList(s, '&$top=1')); // warm-up
    const first = await timed(subList(s));
    assert.equal(first.body.value.length, 100);
    const rare = await timed(subList(s, filter(`substringof('filler-99998', name)`)));
    assert.deepEqual(rare.body.value.map((r: any) => r.name), ['filler-99998']);
    const exact = await timed(groupList(s, 'gl-big', filter(`name eq 'filler-99999' and resourceType eq '${UAMI}'`)));
    assert.deepEqual(exact.body.value.map((r: any) => r.name), ['filler-99999']);
    for (const [what, t] of Object.entries({ first, rare, exact })) assert.ok(t.ms < 1500, `${what}: ${t.ms.toFixed(0)} ms`);
    console.log(`100,000 resources: first page ${first.ms.toFixed(0)} ms, substringof ${rare.ms.toFixed(0)} ms, name eq ${exact.ms.toFixed(0)} ms`);
  });
});

test('the real SDK: ResourceManagementClient.resources.list and listByResourceGroup page through nextLink', async (t) => {
  const s = await startTestServer();
  t.after(() => s.close());
  await createGroup(s, 'sdk-rg', 'westus');
  for (let i = 0; i < 120; i++) await createIdentity(s, 'sdk-rg', `sdk-${String(i).padStart(3, '0')}`, { location: 'westus', tags: { n: String(i) } });
  await createIdentity(s, 'sdk-rg', 'other', { location: 'westus' });
  const r = await runScenario(scenario, scenarioEnv(s, { AMITY_TEST_GROUP: 'sdk-rg' }));
  assert.equal(r.all.length, 121, 'three pages of $top=50, followed by the SDK');
  assert.deepEqual(r.all[0], { name: 'other', type: UAMI, location: 'westus' });
  assert.equal(r.inGroup.length, 120);
  assert.equal(r.inGroup[0].name, 'sdk-000');
  assert.deepEqual(r.inGroup[0].tags, { n: '0' });
  assert.match(r.inGroup[0].createdTime, /^\d{4}-/);
});
