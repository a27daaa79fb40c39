import assert from 'node:assert/strict';
import { test } from 'node:test';
import { principalStore } from '../../src/store/principals.js';
import { hostKeyForSecret, hostStateVersion, identityRevokedBefore, loadHost } from '../../src/providers/compute/hostIdentities.js';
import type { TestServer } from '../support/server.js';
import { group, identity, perBackend, UAMI, vm, VM, VM_API, vmPath } from './support.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const db = (s: TestServer) => s.running.context.database.db;
const assignments = async (s: TestServer, hostId: string) =>
  (await db(s).selectFrom('identity_assignments').select('identity_key').where('host_key', '=', hostId.toLowerCase()).execute()).map((r) => r.identity_key).sort();
const defaultIdentity = (hostId: string, v = '2018-11-30') => `${hostId}/providers/Microsoft.ManagedIdentity/identities/default?api-version=${v}`;

await perBackend((server) => {
  test('a VM is a host record: PUT, GET, PATCH, list, DELETE, every client api-version', async () => {
    const s = server();
    const rg = await group(s, 'vm-crud');
    const created = await s.arm('PUT', vmPath(rg, 'web-1', '2026-03-01'), { location: 'westus', tags: { env: 'test' }, properties: { hostName: 'web-1.lan', osType: 'windows' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.id, `${rg}/providers/${VM}/web-1`);
    assert.equal(created.body.type, VM);
    assert.equal(created.body.location, 'westus');
    assert.deepEqual(created.body.tags, { env: 'test' });
    assert.equal(created.body.properties.hostName, 'web-1.lan');
    assert.equal(created.body.properties.osType, 'Windows');
    assert.match(created.body.properties.vmId, GUID);
    assert.equal(created.body.properties.provisioningState, 'Succeeded');
    assert.equal(created.body.identity, undefined);
    for (const v of ['2017-12-01', '2018-06-01', '2020-06-01', '2022-08-01', '2024-11-01', '2025-04-01', '2026-03-01']) {
      const got = await s.arm('GET', vmPath(rg, 'web-1', v));
      assert.equal(got.status, 200, `${v}: ${got.text}`);
      assert.equal(got.body.properties.vmId, created.body.properties.vmId);
    }
    const badVersion = await s.arm('GET', vmPath(rg, 'web-1', '2015-01-01'));
    assert.equal(badVersion.status, 400);
    assert.equal(badVersion.body.error.code, 'NoRegisteredProviderFound');

    const patched = await s.arm('PATCH', vmPath(rg, 'web-1'), { tags: { env: 'prod' } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.tags, { env: 'prod' });
    assert.equal(patched.body.properties.hostName, 'web-1.lan', 'PATCH keeps what it does not name');
    assert.equal(patched.body.properties.vmId, created.body.properties.vmId);

    await vm(s, rg, 'web-2');
    const list = await s.arm('GET', `${rg}/providers/${VM}?api-version=${VM_API}`);
    assert.deepEqual(list.body.value.map((v: any) => v.name).sort(), ['web-1', 'web-2']);
    const bySub = await s.arm('GET', `/subscriptions/${s.subscriptionId}/providers/${VM}?api-version=${VM_API}`);
    assert.ok(bySub.body.value.length >= 2);

    const badName = await s.arm('PUT', vmPath(rg, '-bad-'), { location: 'westus' });
    assert.equal(badName.status, 400);
    const badOs = await s.arm('PUT', vmPath(rg, 'web-3'), { location: 'westus', properties: { osType: 'Plan9' } });
    assert.equal(badOs.status, 400);
    assert.equal(badOs.body.error.code, 'InvalidParameter');
    const noLocation = await s.arm('PUT', vmPath(rg, 'web-3'), {});
    assert.equal(noLocation.status, 400);

    assert.equal((await s.arm('DELETE', vmPath(rg, 'web-1'))).status, 200);
    assert.equal((await s.arm('DELETE', vmPath(rg, 'web-1'))).status, 204);
    assert.equal((await s.arm('GET', vmPath(rg, 'web-1'))).status, 404);
  });

  test('system-assigned identity: made with the host, shown at identities/default, removed with type None and with the host', async () => {
    const s = server();
    const rg = await group(s, 'vm-sys');
    const created = await vm(s, rg, 'sys-1', { location: 'westus', identity: { type: 'SystemAssigned' } });
    const { principalId, tenantId } = created.identity;
    assert.equal(created.identity.type, 'SystemAssigned');
    assert.match(principalId, GUID);
    assert.equal(tenantId, s.tenantId);
    assert.equal(created.identity.userAssignedIdentities, undefined);
    const principal = await principalStore.byObjectId(db(s), principalId);
    assert.equal(principal?.kind, 'ManagedIdentity');
    assert.equal(principal?.resource_key, created.id.toLowerCase());

    for (const v of ['2018-11-30', '2024-11-30', '2015-08-31-preview']) {
      const def = await s.arm('GET', defaultIdentity(created.id, v));
      assert.equal(def.status, 200, def.text);
      assert.equal(def.body.id, `${created.id}/providers/Microsoft.ManagedIdentity/identities/default`);
      assert.equal(def.body.name, 'default');
      assert.equal(def.body.type, 'Microsoft.ManagedIdentity/identities');
      assert.equal(def.body.location, 'westus');
      assert.equal(def.body.properties.principalId, principalId);
      assert.equal(def.body.properties.tenantId, s.tenantId);
      assert.equal(def.body.properties.clientId, principal?.app_id);
      assert.match(def.body.properties.clientSecretUrl, /^https:\/\//);
    }
    const host = await loadHost(db(s), created.id.toLowerCase());
    assert.deepEqual(host?.system, { kind: 'SystemAssigned', principalId, clientId: principal?.app_id, resourceId: created.id, revokedBefore: 0 });

    // A second PUT keeps the same principal.
    const again = await vm(s, rg, 'sys-1', { location: 'westus', identity: { type: 'SystemAssigned' } });
    assert.equal(again.identity.principalId, principalId);
    // A PUT without an identity block keeps the identity (as Compute does).
    const plainPut = await vm(s, rg, 'sys-1', { location: 'westus', tags: { a: 'b' } });
    assert.equal(plainPut.identity.principalId, principalId);

    const none = await s.arm('PATCH', vmPath(rg, 'sys-1'), { identity: { type: 'None' } });
    assert.equal(none.status, 200, none.text);
    assert.equal(none.body.identity, undefined);
    assert.equal(await principalStore.byObjectId(db(s), principalId), undefined);
    const gone = await s.arm('GET', defaultIdentity(created.id));
    assert.equal(gone.status, 404);

    const back = await s.arm('PATCH', vmPath(rg, 'sys-1'), { identity: { type: 'SystemAssigned' } });
    assert.notEqual(back.body.identity.principalId, principalId, 'a new system-assigned identity is a new principal');
    assert.equal(back.body.identity.type, 'SystemAssigned');
    assert.equal((await s.arm('DELETE', vmPath(rg, 'sys-1'))).status, 200);
    assert.equal(await principalStore.byObjectId(db(s), back.body.identity.principalId), undefined);
    assert.equal((await s.arm('GET', defaultIdentity(created.id))).status, 404);
    // A resource without identities, and a resource that doesn't exist.
    const plain = await vm(s, rg, 'plain');
    assert.equal((await s.arm('GET', defaultIdentity(plain.id))).status, 404);
  });

  test('user-assigned identities: add with {}, merge on PATCH, remove with null, replace on PUT, None removes all', async () => {
    const s = server();
    const rg = await group(s, 'vm-user');
    const a = await identity(s, rg, 'ua-a');
    const b = await identity(s, rg, 'ua-b');
    const host = await vm(s, rg, 'user-1');

    const one = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.identity.type, 'UserAssigned');
    assert.equal(one.body.identity.principalId, undefined);
    assert.deepEqual(one.body.identity.userAssignedIdentities, { [a.id]: { principalId: a.properties.principalId, clientId: a.properties.clientId } });
    assert.deepEqual(await assignments(s, host.id), [a.id.toLowerCase()]);

    // PATCH merges; the comma-without-space spelling is accepted and Azure's spelling answered.
    const two = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [b.id]: {} } } });
    assert.equal(two.status, 200, two.text);
    assert.equal(two.body.identity.type, 'SystemAssigned, UserAssigned');
    assert.match(two.body.identity.principalId, GUID);
    assert.deepEqual(Object.keys(two.body.identity.userAssignedIdentities).sort(), [a.id, b.id].sort());
    assert.deepEqual(await assignments(s, host.id), [a.id, b.id].map((i) => i.toLowerCase()).sort());

    // null removes one (ids compare case-insensitively).
    const removed = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [a.id.toUpperCase()]: null } } });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(Object.keys(removed.body.identity.userAssignedIdentities), [b.id]);
    assert.deepEqual(await assignments(s, host.id), [b.id.toLowerCase()]);

    // Type UserAssigned drops the system-assigned identity and keeps the user-assigned set.
    const userOnly = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'UserAssigned' } });
    assert.equal(userOnly.body.identity.type, 'UserAssigned');
    assert.equal(await principalStore.byObjectId(db(s), two.body.identity.principalId), undefined);
    assert.deepEqual(Object.keys(userOnly.body.identity.userAssignedIdentities), [b.id]);

    // PUT replaces the set.
    const put = await vm(s, rg, 'user-1', { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
    assert.deepEqual(Object.keys(put.identity.userAssignedIdentities), [a.id]);
    assert.deepEqual(await assignments(s, host.id), [a.id.toLowerCase()]);

    // The 2017-12-01 form: identityIds.
    const legacy = await s.arm('PUT', vmPath(rg, 'user-1', '2017-12-01'), { location: 'westus', identity: { type: 'UserAssigned', identityIds: [a.id, b.id] } });
    assert.equal(legacy.status, 200, legacy.text);
    assert.deepEqual(legacy.body.identity.identityIds, [a.id, b.id]);
    assert.equal(legacy.body.identity.userAssignedIdentities, undefined);
    const modern = await s.arm('GET', vmPath(rg, 'user-1'));
    assert.deepEqual(Object.keys(modern.body.identity.userAssignedIdentities).sort(), [a.id, b.id].sort());

    const loaded = await loadHost(db(s), host.id.toLowerCase());
    assert.deepEqual(loaded?.user.map((u) => u.clientId).sort(), [a.properties.clientId, b.properties.clientId].sort());
    assert.equal(loaded?.tenantId, s.tenantId);
    assert.equal(loaded?.location, 'westus');

    // Wrong combinations.
    const sysWithList = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'SystemAssigned', userAssignedIdentities: { [a.id]: {} } } });
    assert.equal(sysWithList.status, 400);
    assert.equal(sysWithList.body.error.code, 'InvalidParameter');
    const badType = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'Everything' } });
    assert.equal(badType.status, 400);

    const none = await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'None' } });
    assert.equal(none.status, 200);
    assert.equal(none.body.identity, undefined);
    assert.deepEqual(await assignments(s, host.id), []);

    // Deleting the host removes its assignments.
    await s.arm('PATCH', vmPath(rg, 'user-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
    assert.equal((await s.arm('DELETE', vmPath(rg, 'user-1'))).status, 200);
    assert.deepEqual(await assignments(s, host.id), []);
  });

  test('assignment errors: InvalidIdentityId, missing identity, isolationScope Regional, assignmentRestrictions', async () => {
    const s = server();
    const rg = await group(s, 'vm-rules');
    await vm(s, rg, 'east-1', { location: 'eastus' });
    const malformed = `/subscriptions/${s.subscriptionId}/resourceGroups/x/providers/Microsoft.Compute/virtualMachines/nope`;
    const bad = await s.arm('PATCH', vmPath(rg, 'east-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [malformed]: {} } } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InvalidIdentityId');
    assert.equal(
      bad.body.error.message,
      `The identity ids '${malformed}' are invalid. It must be of the following format: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}'.`,
    );

    const missingId = `${rg}/providers/${UAMI}/not-there`;
    const missing = await s.arm('PATCH', vmPath(rg, 'east-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [missingId]: {} } } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'FailedIdentityOperation');
    assert.ok(missing.body.error.message.includes(`Resource '${missingId}' was not found.`), missing.text);

    const regional = await identity(s, rg, 'regional', { location: 'westus', properties: { isolationScope: 'Regional' } });
    const far = await s.arm('PATCH', vmPath(rg, 'east-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [regional.id]: {} } } });
    assert.equal(far.status, 400);
    assert.equal(far.body.error.code, 'IdentityIsolationScopeViolation');
    assert.match(far.body.error.message, /isolationScope 'Regional'/);
    const near = await vm(s, rg, 'west-1', { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: { [regional.id]: {} } } });
    assert.ok(near.identity.userAssignedIdentities[regional.id]);

    const storageOnly = await identity(s, rg, 'storage-only', { location: 'eastus', properties: { assignmentRestrictions: { providers: ['Microsoft.Storage'] } } }, '2025-05-31-preview');
    const restricted = await s.arm('PATCH', vmPath(rg, 'east-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [storageOnly.id]: {} } } });
    assert.equal(restricted.status, 400);
    assert.equal(restricted.body.error.code, 'IdentityAssignmentRestricted');
    assert.match(restricted.body.error.message, /assignmentRestrictions\.providers/);
    for (const [name, provider] of [['compute-ns', 'microsoft.compute'], ['compute-vm', 'Microsoft.Compute/VirtualMachines']]) {
      const ok = await identity(s, rg, name, { location: 'eastus', properties: { assignmentRestrictions: { providers: ['Microsoft.Storage', provider] } } }, '2025-05-31-preview');
      const res = await s.arm('PATCH', vmPath(rg, 'east-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [ok.id]: {} } } });
      assert.equal(res.status, 200, `${provider}: ${res.text}`);
    }
    // Nothing was written by the failed requests.
    const got = await s.arm('GET', vmPath(rg, 'east-1'));
    assert.equal(Object.keys(got.body.identity.userAssignedIdentities).length, 2);
  });

  test('deleting a user-assigned identity leaves a dangling reference on the host', async () => {
    const s = server();
    const rg = await group(s, 'vm-dangling');
    const a = await identity(s, rg, 'doomed');
    const b = await identity(s, rg, 'kept');
    const host = await vm(s, rg, 'd-1', { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {}, [b.id]: {} } } });
    const before = await hostStateVersion(db(s), host.id);
    assert.equal((await s.arm('DELETE', `${a.id}?api-version=2024-11-30`)).status, 200);
    assert.notEqual(await hostStateVersion(db(s), host.id), before, 'deleting an assigned identity changes the host state');
    const got = await s.arm('GET', vmPath(rg, 'd-1'));
    // The id stays, with the principalId/clientId it had when assigned.
    assert.deepEqual(got.body.identity.userAssignedIdentities[a.id], { principalId: a.properties.principalId, clientId: a.properties.clientId });
    assert.deepEqual(await assignments(s, host.id), [a.id, b.id].map((i) => i.toLowerCase()).sort());
    const loaded = await loadHost(db(s), host.id);
    assert.deepEqual(loaded?.dangling, [a.id]);
    assert.deepEqual(loaded?.user.map((u) => u.resourceId), [b.id]);
    // Made again under the same name, it is a new principal: still not the identity the host was given.
    await identity(s, rg, 'doomed');
    assert.deepEqual((await loadHost(db(s), host.id))?.dangling, [a.id]);
    // The host can still drop the reference.
    const dropped = await s.arm('PATCH', vmPath(rg, 'd-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: null } } });
    assert.equal(dropped.status, 200, dropped.text);
    assert.deepEqual(Object.keys(dropped.body.identity.userAssignedIdentities), [b.id]);
  });

  test('listAssociatedResources: $filter, $orderby, $top, $skip, $skiptoken, totalCount, api-versions', async () => {
    const s = server();
    const rg1 = await group(s, 'assoc-one');
    const rg2 = await group(s, 'assoc-two');
    const shared = await identity(s, rg1, 'shared');
    const ids = { [shared.id]: {} };
    for (const [rg, name] of [[rg1, 'alpha'], [rg1, 'beta'], [rg2, 'gamma'], [rg2, 'test-delta']] as const) {
      await vm(s, rg, name, { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: ids } });
    }
    await vm(s, rg1, 'unrelated');
    const url = (q = '', v = '2021-09-30-preview') => `${shared.id}/listAssociatedResources?api-version=${v}${q}`;
    const all = await s.arm('POST', url());
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.totalCount, 4);
    assert.deepEqual(all.body.value.map((r: any) => r.name), ['alpha', 'beta', 'gamma', 'test-delta']);
    assert.deepEqual(all.body.value[0], {
      id: `${rg1}/providers/${VM}/alpha`,
      name: 'alpha',
      type: 'microsoft.compute/virtualmachines',
      resourceGroup: 'assoc-one',
      subscriptionId: s.subscriptionId,
      subscriptionDisplayName: all.body.value[0].subscriptionDisplayName,
    });
    assert.equal(typeof all.body.value[0].subscriptionDisplayName, 'string');
    assert.ok(all.body.value[0].subscriptionDisplayName.length > 0);
    assert.equal(all.body.nextLink, undefined);

    const q = (filter: string) => `&$filter=${encodeURIComponent(filter)}`;
    const filtered = await s.arm('POST', url(q("'type' eq 'microsoft.compute/virtualmachines' and contains(name, 'TEST')"), '2022-01-31-preview'));
    assert.equal(filtered.status, 200, filtered.text);
    assert.deepEqual(filtered.body.value.map((r: any) => r.name), ['test-delta']);
    assert.equal(filtered.body.totalCount, 1);
    const either = await s.arm('POST', url(q("name eq 'alpha' or (resourceGroup eq 'assoc-two' and contains(name, 'gam'))")));
    assert.deepEqual(either.body.value.map((r: any) => r.name), ['alpha', 'gamma']);
    const bySub = await s.arm('POST', url(q(`subscriptionId eq '${s.subscriptionId}'`)));
    assert.equal(bySub.body.totalCount, 4);
    const badFilter = await s.arm('POST', url(q("location eq 'westus'")));
    assert.equal(badFilter.status, 400);

    const desc = await s.arm('POST', url(`&$orderby=${encodeURIComponent('name desc')}`));
    assert.deepEqual(desc.body.value.map((r: any) => r.name), ['test-delta', 'gamma', 'beta', 'alpha']);

    const countOnly = await s.arm('POST', url('&$top=0'));
    assert.deepEqual(countOnly.body, { totalCount: 4, value: [] });

    const skipped = await s.arm('POST', url('&$skip=1&$top=2'));
    assert.deepEqual(skipped.body.value.map((r: any) => r.name), ['beta', 'gamma']);

    const names: string[] = [];
    let next: string | undefined = url('&$top=3');
    while (next) {
      const page = await s.arm('POST', next.startsWith('http') ? next.slice(s.url.length) : next);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.body.totalCount, 4);
      names.push(...page.body.value.map((r: any) => r.name));
      next = page.body.nextLink;
      if (next) assert.ok(next.includes('$skiptoken='), next);
    }
    assert.deepEqual(names, ['alpha', 'beta', 'gamma', 'test-delta']);

    // A deleted host is no longer associated.
    await s.arm('DELETE', vmPath(rg2, 'gamma'));
    assert.equal((await s.arm('POST', url())).body.totalCount, 3);

    for (const v of ['2024-11-30', '2023-01-31', '2023-07-31-preview']) {
      const res = await s.arm('POST', url('', v));
      assert.equal(res.status, 404, `${v}: ${res.text}`);
      assert.equal(res.body.error.code, 'InvalidResourceType');
    }
    const missing = await s.arm('POST', `${rg1}/providers/${UAMI}/nope/listAssociatedResources?api-version=2021-09-30-preview`);
    assert.equal(missing.status, 404);
  });

  test('revokeTokens: 200 without a body (2023-07-31-preview only), recorded for the token service and the host state', async () => {
    const s = server();
    const rg = await group(s, 'vm-revoke');
    const a = await identity(s, rg, 'revoked');
    const host = await vm(s, rg, 'r-1', { location: 'westus', identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
    const version = await hostStateVersion(db(s), host.id);
    assert.equal(await identityRevokedBefore(db(s), a.id), 0);
    const before = Date.now();
    const res = await s.arm('POST', `${a.id}/revokeTokens?api-version=2023-07-31-preview`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    const loaded = await loadHost(db(s), host.id);
    assert.ok(loaded!.user[0].revokedBefore >= before, 'revokedBefore is now');
    assert.notEqual(await hostStateVersion(db(s), host.id), version);
    assert.ok((await identityRevokedBefore(db(s), a.id)) >= before);
    // Not shown to clients, and kept across an update of the identity.
    const got = await s.arm('GET', `${a.id}?api-version=2024-11-30`);
    assert.equal(JSON.stringify(got.body).includes('tokensRevokedBefore'), false);
    assert.deepEqual(Object.keys(got.body.properties).sort(), ['clientId', 'isolationScope', 'principalId', 'tenantId']);
    await identity(s, rg, 'revoked', { location: 'westus', tags: { t: '1' } });
    assert.ok((await loadHost(db(s), host.id))!.user[0].revokedBefore >= before);

    const wrong = await s.arm('POST', `${a.id}/revokeTokens?api-version=2024-11-30`);
    assert.equal(wrong.status, 404);
    const missing = await s.arm('POST', `${rg}/providers/${UAMI}/nope/revokeTokens?api-version=2023-07-31-preview`);
    assert.equal(missing.status, 404);
  });

  test('regenerateIdentityCredential: a workload secret shown once, stored hashed, replacing the previous one', async () => {
    const s = server();
    const rg = await group(s, 'vm-cred');
    const host = await vm(s, rg, 'c-1', { location: 'westus', identity: { type: 'SystemAssigned' } });
    const first = await s.arm('POST', `${rg}/providers/${VM}/c-1/regenerateIdentityCredential?api-version=${VM_API}`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.identityEndpoint, `${s.url}/msi/token`);
    assert.match(first.body.identityHeader, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await hostKeyForSecret(db(s), first.body.identityHeader), host.id.toLowerCase());
    const stored = await db(s).selectFrom('host_credentials').selectAll().execute();
    assert.equal(JSON.stringify(stored).includes(first.body.identityHeader), false, 'only the digest is stored');

    const second = await s.arm('POST', `${rg}/providers/${VM}/c-1/regenerateIdentityCredential?api-version=2026-03-01`);
    assert.notEqual(second.body.identityHeader, first.body.identityHeader);
    assert.equal(await hostKeyForSecret(db(s), first.body.identityHeader), undefined, 'the previous secret stops working');
    assert.equal(await hostKeyForSecret(db(s), second.body.identityHeader), host.id.toLowerCase());

    const missing = await s.arm('POST', `${rg}/providers/${VM}/nope/regenerateIdentityCredential?api-version=${VM_API}`);
    assert.equal(missing.status, 404);

    const version = await hostStateVersion(db(s), host.id);
    assert.equal((await s.arm('DELETE', vmPath(rg, 'c-1'))).status, 200);
    assert.equal(await hostKeyForSecret(db(s), second.body.identityHeader), undefined, 'the host takes its credential with it');
    assert.equal(await loadHost(db(s), host.id), undefined);
    assert.notEqual(await hostStateVersion(db(s), host.id), version);
  });

  test('host state version: changes on assign and unassign, stays put otherwise', async () => {
    const s = server();
    const rg = await group(s, 'vm-state');
    const a = await identity(s, rg, 'state-a');
    const host = await vm(s, rg, 's-1');
    const v0 = await hostStateVersion(db(s), host.id);
    assert.equal(await hostStateVersion(db(s), host.id), v0);
    await s.arm('PATCH', vmPath(rg, 's-1'), { identity: { type: 'UserAssigned', userAssignedIdentities: { [a.id]: {} } } });
    const v1 = await hostStateVersion(db(s), host.id);
    assert.notEqual(v1, v0);
    await s.arm('PATCH', vmPath(rg, 's-1'), { identity: { type: 'None' } });
    assert.notEqual(await hostStateVersion(db(s), host.id), v1);
  });
});
