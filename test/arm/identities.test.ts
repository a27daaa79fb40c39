import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertArmError,
  assertOk,
  createGroup,
  createIdentity,
  expectedIdentityId,
  forEachBackend,
  GUID,
  groupIdentitiesPath,
  groupPath,
  identityPath,
  MSI_API,
  subscriptionIdentitiesPath,
} from './helpers.js';

const IDENTITY_KEYS = ['id', 'location', 'name', 'properties', 'tags', 'type'];
const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** An identity as 2024-11-30 shows it: exactly these keys, no systemData, etag or provisioningState. */
function assertIdentity(body: any, expected: { id: string; name: string; location: string; tags?: Record<string, string> }, tenantId: string): void {
  assert.deepEqual(Object.keys(body).sort(), IDENTITY_KEYS);
  assert.equal(body.id.toLowerCase(), expected.id);
  assert.equal(body.name, expected.name);
  assert.equal(body.type, TYPE);
  assert.equal(body.location, expected.location);
  assert.deepEqual(body.tags, expected.tags ?? {});
  assert.deepEqual(Object.keys(body.properties).sort(), ['clientId', 'isolationScope', 'principalId', 'tenantId']);
  assert.equal(body.properties.tenantId, tenantId);
  assert.match(body.properties.clientId, GUID);
  assert.match(body.properties.principalId, GUID);
  assert.notEqual(body.properties.clientId, body.properties.principalId);
}

await forEachBackend((server) => {
  test('PUT creates with 201, a second PUT updates with 200 and keeps clientId and principalId', async () => {
    const s = server();
    await createGroup(s, 'rg-crud');
    const created = await s.arm('PUT', identityPath(s, 'rg-crud', 'crud-id'), { location: 'westus', tags: { a: '1' } });
    assertOk(created, 201);
    assert.match(String(created.headers['content-type']), /^application\/json/);
    const expected = { id: expectedIdentityId(s, 'rg-crud', 'crud-id'), name: 'crud-id', location: 'westus' };
    assertIdentity(created.body, { ...expected, tags: { a: '1' } }, s.tenantId);

    const updated = await s.arm('PUT', identityPath(s, 'rg-crud', 'crud-id'), { location: 'westus', tags: { b: '2' } });
    assertOk(updated, 200);
    assertIdentity(updated.body, { ...expected, tags: { b: '2' } }, s.tenantId);
    assert.deepEqual(updated.body.properties, created.body.properties);

    const got = await s.arm('GET', identityPath(s, 'rg-crud', 'crud-id'));
    assertOk(got);
    assert.deepEqual(got.body, updated.body);
  });

  test('two identities get different client and principal ids', async () => {
    const s = server();
    await createGroup(s, 'rg-distinct');
    const a = (await createIdentity(s, 'rg-distinct', 'first')).body.properties;
    const b = (await createIdentity(s, 'rg-distinct', 'second')).body.properties;
    assert.notEqual(a.clientId, b.clientId);
    assert.notEqual(a.principalId, b.principalId);
  });

  test('concurrent PUTs of one new identity create it once', async () => {
    const s = server();
    await createGroup(s, 'rg-race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => s.arm('PUT', identityPath(s, 'rg-race', 'contested'), { location: 'westus', tags: { writer: String(i) } })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join(','));
    for (const r of results) {
      // A writer that keeps losing to the others may be told to retry, as Azure does for concurrent writes.
      if (r.status === 409) assertArmError(r, 409, 'Conflict');
      else assert.ok(r.status === 201 || r.status === 200, r.text);
    }
    const won = results.filter((r) => r.status < 300);
    assert.equal(new Set(won.map((r) => r.body.properties.clientId)).size, 1, 'one identity, one client id');
    const listed = (await s.arm('GET', groupIdentitiesPath(s, 'rg-race'))).body.value;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].properties.clientId, won[0].body.properties.clientId);
  });

  test('PATCH replaces the whole tag set and leaves it alone when no tags are sent', async () => {
    const s = server();
    await createGroup(s, 'rg-patch');
    const created = await createIdentity(s, 'rg-patch', 'patched', { location: 'westus', tags: { a: '1', b: '2' } });

    const patched = await s.arm('PATCH', identityPath(s, 'rg-patch', 'patched'), { tags: { c: '3' } });
    assertOk(patched);
    assert.deepEqual(patched.body.tags, { c: '3' });
    assert.deepEqual(patched.body.properties, created.body.properties);
    assert.deepEqual((await s.arm('GET', identityPath(s, 'rg-patch', 'patched'))).body.tags, { c: '3' });

    const untouched = await s.arm('PATCH', identityPath(s, 'rg-patch', 'patched'), {});
    assertOk(untouched);
    assert.deepEqual(untouched.body.tags, { c: '3' });

    const cleared = await s.arm('PATCH', identityPath(s, 'rg-patch', 'patched'), { tags: {} });
    assertOk(cleared);
    assert.deepEqual((await s.arm('GET', identityPath(s, 'rg-patch', 'patched'))).body.tags, {});
  });

  test('PATCH of a missing identity is 404 ResourceNotFound and creates nothing', async () => {
    const s = server();
    await createGroup(s, 'rg-patch-missing');
    assertArmError(await s.arm('PATCH', identityPath(s, 'rg-patch-missing', 'ghost'), { tags: { a: '1' } }), 404, 'ResourceNotFound');
    assertArmError(await s.arm('GET', identityPath(s, 'rg-patch-missing', 'ghost')), 404, 'ResourceNotFound');
  });

  test('DELETE answers 200 with no body, then 204 once the identity is gone', async () => {
    const s = server();
    await createGroup(s, 'rg-delete');
    await createIdentity(s, 'rg-delete', 'doomed');
    const deleted = await s.arm('DELETE', identityPath(s, 'rg-delete', 'doomed'));
    assertOk(deleted, 200);
    assert.equal(deleted.text, '');
    assertArmError(
      await s.arm('GET', identityPath(s, 'rg-delete', 'doomed')),
      404,
      'ResourceNotFound',
      `The Resource '${TYPE}/doomed' under resource group 'rg-delete' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
    const again = await s.arm('DELETE', identityPath(s, 'rg-delete', 'doomed'));
    assertOk(again, 204);
    assert.equal(again.text, '');
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, 'rg-delete'))).body.value, []);
  });

  test('lists identities by resource group and by subscription', async () => {
    const s = server();
    await createGroup(s, 'rg-list-a');
    await createGroup(s, 'rg-list-b');
    await createIdentity(s, 'rg-list-a', 'list-a1', { location: 'westus', tags: { k: 'v' } });
    await createIdentity(s, 'rg-list-a', 'list-a2');
    await createIdentity(s, 'rg-list-b', 'list-b1');

    const byGroup = await s.arm('GET', groupIdentitiesPath(s, 'rg-list-a'));
    assertOk(byGroup);
    assert.deepEqual(byGroup.body.value.map((i: any) => i.name).sort(), ['list-a1', 'list-a2']);
    const a1 = byGroup.body.value.find((i: any) => i.name === 'list-a1');
    assertIdentity(a1, { id: expectedIdentityId(s, 'rg-list-a', 'list-a1'), name: 'list-a1', location: 'westus', tags: { k: 'v' } }, s.tenantId);
    assert.deepEqual(a1, (await s.arm('GET', identityPath(s, 'rg-list-a', 'list-a1'))).body);

    const bySubscription = await s.arm('GET', subscriptionIdentitiesPath(s));
    assertOk(bySubscription);
    const ids = bySubscription.body.value.map((i: any) => i.id.toLowerCase());
    for (const [group, name] of [['rg-list-a', 'list-a1'], ['rg-list-a', 'list-a2'], ['rg-list-b', 'list-b1']]) {
      assert.equal(ids.filter((id: string) => id === expectedIdentityId(s, group, name)).length, 1, `${group}/${name} listed once`);
    }
  });

  test('an empty group lists no identities', async () => {
    const s = server();
    await createGroup(s, 'rg-list-empty');
    const res = await s.arm('GET', groupIdentitiesPath(s, 'rg-list-empty'));
    assertOk(res);
    assert.deepEqual(res.body, { value: [] });
  });

  test('a location is normalised: "West US" is stored and shown as westus', async () => {
    const s = server();
    await createGroup(s, 'rg-norm');
    const res = await createIdentity(s, 'rg-norm', 'spaced', { location: 'West US' });
    assert.equal(res.body.location, 'westus');
    assert.equal((await s.arm('GET', identityPath(s, 'rg-norm', 'spaced'))).body.location, 'westus');
    // The same place written another way is not a change of location.
    assertOk(await s.arm('PUT', identityPath(s, 'rg-norm', 'spaced'), { location: 'WESTUS' }), 200);
  });

  test('an unknown location is refused with 400 and nothing is created', async () => {
    const s = server();
    await createGroup(s, 'rg-badloc');
    assertArmError(
      await s.arm('PUT', identityPath(s, 'rg-badloc', 'lost'), { location: 'moon' }),
      400,
      'LocationNotAvailableForResourceType',
      /^The provided location 'moon' is not available for resource type 'Microsoft\.ManagedIdentity\/userAssignedIdentities'\. List of available regions for the resource type is '[^']*\bwestus\b[^']*'\.$/,
    );
    assertArmError(await s.arm('GET', identityPath(s, 'rg-badloc', 'lost')), 404, 'ResourceNotFound');
  });

  test('the location cannot change: PUT elsewhere is 409 InvalidResourceLocation and nothing changes', async () => {
    const s = server();
    await createGroup(s, 'rg-move');
    const created = await createIdentity(s, 'rg-move', 'Pinned', { location: 'westus', tags: { keep: 'me' } });
    assertArmError(
      await s.arm('PUT', identityPath(s, 'rg-move', 'Pinned'), { location: 'eastus', tags: { other: 'x' } }),
      409,
      'InvalidResourceLocation',
      "The resource 'Pinned' already exists in location 'westus' in resource group 'rg-move'. A resource with the same name cannot be created in location 'eastus'. Please select a new resource name.",
    );
    assertArmError(await s.arm('PATCH', identityPath(s, 'rg-move', 'Pinned'), { location: 'eastus' }), 409, 'InvalidResourceLocation');
    const after = await s.arm('GET', identityPath(s, 'rg-move', 'Pinned'));
    assert.deepEqual(after.body, created.body);
  });

  test('name rules: 3 to 128 characters, letters, digits, - and _, starting with a letter or digit', async () => {
    const s = server();
    await createGroup(s, 'rg-names');
    const invalid = ['ab', 'a'.repeat(129), '-abc', '_abc', 'abc.def', 'abc$def'];
    for (const name of invalid) {
      assertArmError(await s.arm('PUT', identityPath(s, 'rg-names', encodeURIComponent(name)), { location: 'westus' }), 400, 'InvalidResourceName', new RegExp(`'${name.replace(/[.$]/g, '\\$&')}'`));
    }
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, 'rg-names'))).body.value, [], 'no invalid name was created');

    const valid = ['abc', 'a'.repeat(128), 'a_b-c', '0-starts-with-digit', 'Mixed_Case-9'];
    for (const name of valid) {
      const res = await createIdentity(s, 'rg-names', name);
      assert.equal(res.body.name, name);
    }
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, 'rg-names'))).body.value.map((i: any) => i.name).sort(), [...valid].sort());
  });

  test('tag rules: string values, at most 50, names ≤512 without <>%&\\?/, values ≤256', async () => {
    const s = server();
    await createGroup(s, 'rg-tags');
    const manyTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    const cases: [Record<string, unknown>, string][] = [
      [{ nested: { a: 'b' } }, 'InvalidRequestContent'],
      [{ list: ['a'] }, 'InvalidRequestContent'],
      [manyTags, 'InvalidTagCount'],
      [{ 'a<b': 'v' }, 'InvalidTagNameCharacters'],
      [{ 'a/b': 'v' }, 'InvalidTagNameCharacters'],
      [{ ['n'.repeat(513)]: 'v' }, 'InvalidTagNameLength'],
      [{ long: 'v'.repeat(257) }, 'InvalidTagValueLength'],
    ];
    for (const [tags, code] of cases) {
      assertArmError(await s.arm('PUT', identityPath(s, 'rg-tags', 'tagged'), { location: 'westus', tags }), 400, code);
    }
    assertArmError(await s.arm('GET', identityPath(s, 'rg-tags', 'tagged')), 404, 'ResourceNotFound');

    // The limits themselves are allowed.
    const atLimits = { ...Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, 'v'])), ['n'.repeat(512)]: 'v', long: 'v'.repeat(256) };
    const created = await createIdentity(s, 'rg-tags', 'tagged', { location: 'westus', tags: atLimits });
    assert.deepEqual(created.body.tags, atLimits);

    // PATCH applies the same rules and leaves the tags as they were when it refuses.
    assertArmError(await s.arm('PATCH', identityPath(s, 'rg-tags', 'tagged'), { tags: { 'a%b': 'v' } }), 400, 'InvalidTagNameCharacters');
    assert.deepEqual((await s.arm('GET', identityPath(s, 'rg-tags', 'tagged'))).body.tags, atLimits);
  });

  test('GET /providers/Microsoft.ManagedIdentity/operations lists the provider operations', async () => {
    const s = server();
    const res = await s.arm('GET', `/providers/Microsoft.ManagedIdentity/operations?api-version=${MSI_API}`);
    assertOk(res);
    assert.ok(Array.isArray(res.body.value));
    const byName = new Map(res.body.value.map((op: any) => [op.name, op]));
    assert.deepEqual(byName.get('Microsoft.ManagedIdentity/userAssignedIdentities/read'), {
      name: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      display: {
        provider: 'Managed Service Identity',
        resource: 'User Assigned Identities',
        operation: 'Get User Assigned Identity',
        description: 'Gets an existing user assigned identity',
      },
    });
    for (const name of [
      'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
    ]) {
      const op: any = byName.get(name);
      assert.ok(op, `${name} listed`);
      assert.equal(op.display.provider, 'Managed Service Identity');
      assert.equal(typeof op.display.description, 'string');
    }
  });

  test('names and paths compare case-insensitively, and the name keeps the case it was created with', async () => {
    const s = server();
    const group = await s.arm('PUT', groupPath(s, 'rG1'), { location: 'westus' });
    assertOk(group, 201);
    assertOk(await s.arm('PUT', groupPath(s, 'RG1'), { location: 'westus' }), 200);
    const created = await createIdentity(s, 'rG1', 'MyId');
    const sub = s.subscriptionId;
    const variants = [
      `/subscriptions/${sub}/resourceGroups/RG1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/MYID`,
      `/subscriptions/${sub}/resourcegroups/rg1/providers/microsoft.managedidentity/userassignedidentities/myid`,
      `/SUBSCRIPTIONS/${sub.toUpperCase()}/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.MANAGEDIDENTITY/USERASSIGNEDIDENTITIES/MYID`,
      `//subscriptions/${sub}/resourceGroups/rG1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/MyId`,
    ];
    for (const path of variants) {
      const got = await s.arm('GET', `${path}?api-version=2024-11-30`);
      assertOk(got);
      assert.deepEqual(got.body, created.body, path);
      assert.equal(got.body.name, 'MyId');
      assert.match(got.body.id, /\/rG1\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/MyId$/);
    }

    // Writes through another spelling reach the same identity rather than making a second one.
    const updated = await s.arm('PUT', `${variants[0]}?api-version=2024-11-30`, { location: 'westus', tags: { via: 'upper' } });
    assertOk(updated, 200);
    assert.equal(updated.body.name, 'MyId');
    assert.equal(updated.body.properties.clientId, created.body.properties.clientId);
    const listed = await s.arm('GET', `/subscriptions/${sub}/resourcegroups/RG1/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`);
    assert.deepEqual(listed.body.value.map((i: any) => i.name), ['MyId']);

    const viaDoubleSlash = await s.arm('PUT', `//subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Second?api-version=2024-11-30`, { location: 'westus' });
    assertOk(viaDoubleSlash, 201);
    assert.equal((await s.arm('GET', identityPath(s, 'RG1', 'SECOND'))).body.properties.clientId, viaDoubleSlash.body.properties.clientId);

    assertOk(await s.arm('DELETE', `${variants[1]}?api-version=2024-11-30`), 200);
    assertArmError(await s.arm('GET', identityPath(s, 'rG1', 'MyId')), 404, 'ResourceNotFound');
  });

  test('percent-escaped and plain spellings of a path reach the same identity', async () => {
    const s = server();
    // Python and .NET SDKs escape '(' and ')', Go and curl users do not.
    assertOk(await s.arm('PUT', groupPath(s, 'rg%28paren%29'), { location: 'westus' }), 201);
    const created = await createIdentity(s, 'rg%28paren%29', 'abc');
    assert.match(created.body.id, /\/rg\(paren\)\/providers\//);

    const plain = await s.arm('GET', identityPath(s, 'rg(paren)', 'abc'));
    assertOk(plain);
    assert.deepEqual(plain.body, created.body);
    const escapedName = await s.arm('PUT', identityPath(s, 'rg(paren)', '%61b%63'), { location: 'westus', tags: { via: 'escaped' } });
    assertOk(escapedName, 200);
    assert.equal(escapedName.body.properties.clientId, created.body.properties.clientId);
    const listed = await s.arm('GET', groupIdentitiesPath(s, 'rg%28paren%29'));
    assert.deepEqual(listed.body.value.map((i: any) => i.name), ['abc']);

    // An escaped '/' is part of a name, not a path separator: it can never name another resource.
    assertArmError(await s.arm('PUT', identityPath(s, 'rg(paren)', 'abc%2Fdef'), { location: 'westus' }), 400, 'InvalidResourceName');
    assertArmError(await s.arm('GET', identityPath(s, 'rg(paren)', 'x%2F..%2Fabc')), 404, 'ResourceNotFound');
  });
});
