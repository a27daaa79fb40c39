import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../support/server.js';
import {
  addFillerRows,
  assertArmError,
  assertOk,
  createGroup,
  createIdentities,
  createIdentity,
  forEachBackend,
  groupIdentitiesPath,
  groupPath,
  identityPath,
  pathOfLink,
  RG_API,
  subscriptionIdentitiesPath,
} from './helpers.js';

function assertGroup(s: TestServer, body: any, name: string, location: string, tags: Record<string, string> = {}, provisioningState = 'Succeeded'): void {
  assert.deepEqual(body, {
    id: `/subscriptions/${s.subscriptionId}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    tags,
    properties: { provisioningState },
  });
}

await forEachBackend((server) => {
  test('PUT creates with 201 and updates with 200; GET returns the group', async () => {
    const s = server();
    const created = await s.arm('PUT', groupPath(s, 'rg-basic'), { location: 'West US', tags: { env: 'test' } });
    assertOk(created, 201);
    assertGroup(s, created.body, 'rg-basic', 'westus', { env: 'test' });

    const updated = await s.arm('PUT', groupPath(s, 'rg-basic'), { location: 'westus', tags: { env: 'prod' } });
    assertOk(updated, 200);
    assertGroup(s, updated.body, 'rg-basic', 'westus', { env: 'prod' });

    const got = await s.arm('GET', groupPath(s, 'rg-basic'));
    assertOk(got);
    assert.deepEqual(got.body, updated.body);
  });

  test('HEAD answers 204 for a group that exists and 404 for one that does not, with no body', async () => {
    const s = server();
    await createGroup(s, 'rg-head');
    const there = await s.arm('HEAD', groupPath(s, 'rg-head'));
    assert.equal(there.status, 204);
    assert.equal(there.text, '');
    const upper = await s.arm('HEAD', groupPath(s, 'RG-HEAD'));
    assert.equal(upper.status, 204);
    const missing = await s.arm('HEAD', groupPath(s, 'rg-head-missing'));
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '');
  });

  test('PATCH replaces the tags and keeps the location', async () => {
    const s = server();
    await s.arm('PUT', groupPath(s, 'rg-patch'), { location: 'eastus', tags: { a: '1', b: '2' } });
    const patched = await s.arm('PATCH', groupPath(s, 'rg-patch'), { tags: { c: '3' } });
    assertOk(patched);
    assertGroup(s, patched.body, 'rg-patch', 'eastus', { c: '3' });
    assertGroup(s, (await s.arm('GET', groupPath(s, 'rg-patch'))).body, 'rg-patch', 'eastus', { c: '3' });
    assertArmError(await s.arm('PATCH', groupPath(s, 'rg-patch'), { tags: { 'x>y': '1' } }), 400, 'InvalidTagNameCharacters');
    assertArmError(await s.arm('PATCH', groupPath(s, 'rg-patch-missing'), { tags: {} }), 404, 'ResourceGroupNotFound');
  });

  test('GET /subscriptions/{s}/resourcegroups lists the groups', async () => {
    const s = server();
    await createGroup(s, 'rg-listed-1');
    await s.arm('PUT', groupPath(s, 'rg-listed-2'), { location: 'northeurope', tags: { t: 'v' } });
    const res = await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups?api-version=${RG_API}`);
    assertOk(res);
    const byName = new Map(res.body.value.map((g: any) => [g.name, g]));
    assertGroup(s, byName.get('rg-listed-1'), 'rg-listed-1', 'westus');
    assertGroup(s, byName.get('rg-listed-2'), 'rg-listed-2', 'northeurope', { t: 'v' });
    assert.equal(res.body.value.filter((g: any) => g.name === 'rg-listed-1').length, 1);
  });

  test('name rules: invalid characters are named in the error, 1-90 characters, no trailing period', async () => {
    const s = server();
    assertArmError(
      await s.arm('PUT', groupPath(s, 'a*b'), { location: 'westus' }),
      400,
      'InvalidResourceGroup',
      "The provided resource group name 'a*b' has these invalid characters: '*'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.",
    );
    assertArmError(await s.arm('PUT', groupPath(s, 'x!y*z!'), { location: 'westus' }), 400, 'InvalidResourceGroup', /has these invalid characters: '!\*'\./);
    assertArmError(await s.arm('PUT', groupPath(s, 'trailing.'), { location: 'westus' }), 400, 'InvalidResourceGroup');
    assertArmError(await s.arm('PUT', groupPath(s, 'g'.repeat(91)), { location: 'westus' }), 400, 'InvalidResourceGroup');
    for (const name of ['a*b', 'x!y*z!', 'trailing.', 'g'.repeat(91)]) {
      assert.equal((await s.arm('HEAD', groupPath(s, name))).status, 404, `${name} was not created`);
    }

    for (const name of ['g'.repeat(90), 'a(b)_c-d.e', 'x', 'grüße']) {
      const res = await s.arm('PUT', groupPath(s, encodeURIComponent(name)), { location: 'westus' });
      assertOk(res, 201);
      assert.equal(res.body.name, name);
    }
  });

  test('the location cannot change: 409 InvalidResourceGroupLocation and the group is unchanged', async () => {
    const s = server();
    await s.arm('PUT', groupPath(s, 'rg-pinned'), { location: 'westus', tags: { keep: 'me' } });
    assertArmError(
      await s.arm('PUT', groupPath(s, 'rg-pinned'), { location: 'eastus', tags: { other: 'x' } }),
      409,
      'InvalidResourceGroupLocation',
      "Invalid resource group location 'eastus'. The Resource group already exists in location 'westus'.",
    );
    assertArmError(await s.arm('PATCH', groupPath(s, 'rg-pinned'), { location: 'eastus' }), 409, 'InvalidResourceGroupLocation');
    assertGroup(s, (await s.arm('GET', groupPath(s, 'rg-pinned'))).body, 'rg-pinned', 'westus', { keep: 'me' });
  });

  test('location is required and must be known', async () => {
    const s = server();
    assertArmError(await s.arm('PUT', groupPath(s, 'rg-noloc'), { tags: {} }), 400, 'LocationRequired');
    assertArmError(await s.arm('PUT', groupPath(s, 'rg-noloc'), { location: 'atlantis' }), 400, 'LocationNotAvailableForResourceGroup', /'atlantis'/);
    assert.equal((await s.arm('HEAD', groupPath(s, 'rg-noloc'))).status, 404);
  });

  test('DELETE removes the group and everything in it; the names can be used again', async () => {
    const s = server();
    await createGroup(s, 'rg-cascade');
    const old = (await createIdentity(s, 'rg-cascade', 'inner-1')).body;
    await createIdentity(s, 'rg-cascade', 'inner-2');
    await createGroup(s, 'rg-bystander');
    await createIdentity(s, 'rg-bystander', 'inner-1');

    const deleted = await s.arm('DELETE', groupPath(s, 'rg-cascade'));
    assertOk(deleted, 200);
    assertArmError(await s.arm('GET', groupPath(s, 'rg-cascade')), 404, 'ResourceGroupNotFound', "Resource group 'rg-cascade' could not be found.");
    assertArmError(await s.arm('GET', identityPath(s, 'rg-cascade', 'inner-1')), 404, 'ResourceGroupNotFound');
    const remaining = (await s.arm('GET', subscriptionIdentitiesPath(s))).body.value.map((i: any) => i.id.toLowerCase());
    assert.equal(remaining.some((id: string) => id.includes('/resourcegroups/rg-cascade/')), false, 'no identity of the deleted group is listed');
    assertOk(await s.arm('GET', identityPath(s, 'rg-bystander', 'inner-1')));

    // A new group of the same name starts empty, in any location.
    assertOk(await s.arm('PUT', groupPath(s, 'rg-cascade'), { location: 'eastus' }), 201);
    assertArmError(await s.arm('GET', identityPath(s, 'rg-cascade', 'inner-1')), 404, 'ResourceNotFound');
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, 'rg-cascade'))).body.value, []);
    const again = (await createIdentity(s, 'rg-cascade', 'inner-1', { location: 'eastus' })).body;
    assert.notEqual(again.properties.clientId, old.properties.clientId);
    assert.notEqual(again.properties.principalId, old.properties.principalId);
  });

  test('identity PUTs racing a group DELETE leave nothing behind in the deleted group', async () => {
    const s = server();
    for (let round = 0; round < 4; round++) {
      const group = `rg-race-${round}`;
      await createGroup(s, group);
      const puts = (start: number) => Array.from({ length: 6 }, (_, i) => s.arm('PUT', identityPath(s, group, `racer-${start + i}`), { location: 'westus' }));
      const [before, deleted, after] = await Promise.all([
        Promise.all(puts(0)),
        new Promise((r) => setTimeout(r, round * 2)).then(() => s.arm('DELETE', groupPath(s, group))),
        Promise.all(puts(100)),
      ]);
      assertOk(deleted, 200);
      for (const r of [...before, ...after]) {
        if (r.status === 201) continue;
        assert.ok(r.status === 404 || r.status === 409, `${r.status} ${r.text}`);
        assertArmError(r, r.status, r.status === 404 ? 'ResourceGroupNotFound' : 'ResourceGroupBeingDeleted');
      }
      const left = (await s.arm('GET', subscriptionIdentitiesPath(s))).body.value.filter((i: any) => i.id.toLowerCase().includes(`/resourcegroups/${group}/`));
      assert.deepEqual(left.map((i: any) => i.name), [], `round ${round}: identities outlived their group`);
      await createGroup(s, group);
      assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, group))).body.value, [], `round ${round}: a new group of the same name starts empty`);
    }
  });

  test('concurrent PUTs of one group create it once', async () => {
    const s = server();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.arm('PUT', groupPath(s, 'rg-contested'), { location: 'westus', tags: { writer: String(i) } })));
    assert.equal(results.filter((r) => r.status === 201).length, 1, results.map((r) => r.status).join(','));
    for (const r of results) {
      if (r.status === 409) assertArmError(r, 409, 'Conflict');
      else assert.ok(r.status === 201 || r.status === 200, r.text);
    }
    const final = await s.arm('GET', groupPath(s, 'rg-contested'));
    assert.ok(results.some((r) => r.status < 300 && JSON.stringify(r.body.tags) === JSON.stringify(final.body.tags)), 'the group holds one of the written tag sets');
  });

  test('DELETE of a group that does not exist is 404 ResourceGroupNotFound', async () => {
    const s = server();
    assertArmError(await s.arm('DELETE', groupPath(s, 'rg-never')), 404, 'ResourceGroupNotFound', "Resource group 'rg-never' could not be found.");
  });

  test('an identity PUT into a missing group is 404 ResourceGroupNotFound and creates nothing', async () => {
    const s = server();
    assertArmError(
      await s.arm('PUT', identityPath(s, 'rg-absent', 'orphan'), { location: 'westus' }),
      404,
      'ResourceGroupNotFound',
      "Resource group 'rg-absent' could not be found.",
    );
    assertArmError(await s.arm('GET', identityPath(s, 'rg-absent', 'orphan')), 404, 'ResourceGroupNotFound');
    await createGroup(s, 'rg-absent');
    assertArmError(await s.arm('GET', identityPath(s, 'rg-absent', 'orphan')), 404, 'ResourceNotFound');
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, 'rg-absent'))).body.value, []);
    const listed = (await s.arm('GET', subscriptionIdentitiesPath(s))).body.value;
    assert.equal(listed.some((i: any) => i.name === 'orphan'), false);
  });

  test('a large group is deleted in the background: 202 with Location and Retry-After, Deleting until done', async () => {
    const s = server();
    const group = 'rg-large';
    await createGroup(s, group);
    await createIdentities(s, group, 'bulk-', 520);
    await addFillerRows(s, group, 20_000);

    const deleted = await s.arm('DELETE', groupPath(s, group));
    assert.equal(deleted.status, 202, deleted.text);
    assert.equal(deleted.text, '');
    const location = String(deleted.headers.location);
    const poll = pathOfLink(s, location);
    assert.equal(new URL(location).searchParams.get('api-version'), RG_API);
    assert.match(String(deleted.headers['retry-after']), /^[1-9][0-9]*$/);

    const [group1, identityPut, groupPut, firstPoll, deleteAgain] = await Promise.all([
      s.arm('GET', groupPath(s, group)),
      s.arm('PUT', identityPath(s, group, 'latecomer'), { location: 'westus' }),
      s.arm('PUT', groupPath(s, group), { location: 'westus' }),
      s.arm('GET', poll),
      s.arm('DELETE', groupPath(s, group)),
    ]);
    assertOk(group1);
    assertGroup(s, group1.body, group, 'westus', {}, 'Deleting');
    assertArmError(identityPut, 409, 'ResourceGroupBeingDeleted', `The resource group '${group}' is in deprovisioning state and cannot perform this operation.`);
    assertArmError(groupPut, 409, 'ResourceGroupBeingDeleted');
    assert.equal(firstPoll.status, 202, firstPoll.text);
    assert.match(String(firstPoll.headers['retry-after']), /^[1-9][0-9]*$/);
    assert.equal(deleteAgain.status, 202);
    assert.equal(deleteAgain.headers.location, location, 'a repeated DELETE points at the same operation');

    // Retry-After is advice; polling sooner only gets more 202s.
    let final = firstPoll;
    const deadline = Date.now() + 60_000;
    while (final.status === 202) {
      assert.ok(Date.now() < deadline, 'deletion did not finish within 60 s');
      await new Promise((r) => setTimeout(r, 10));
      final = await s.arm('GET', poll);
    }
    assertOk(final, 200);
    assert.equal(final.text, '');
    assertOk(await s.arm('GET', poll), 200);

    assertArmError(await s.arm('GET', groupPath(s, group)), 404, 'ResourceGroupNotFound');
    assertArmError(await s.arm('GET', identityPath(s, group, 'bulk-0')), 404, 'ResourceGroupNotFound');
    assertOk(await s.arm('PUT', groupPath(s, group), { location: 'eastus' }), 201);
    assertArmError(await s.arm('GET', identityPath(s, group, 'bulk-519')), 404, 'ResourceNotFound');
    assert.deepEqual((await s.arm('GET', groupIdentitiesPath(s, group))).body.value, []);
    await createIdentity(s, group, 'bulk-0', { location: 'eastus' });
  });
});
