import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  assertArmError,
  assertOk,
  createGroup,
  createIdentity,
  forEachBackend,
  GUID,
  groupIdentitiesPath,
  identityPath,
  MSI_VERSIONS,
} from './helpers.js';

// What each api-version shows (shared/reference/azure-wire-facts.md §1, §3).
const CLIENT_SECRET_URL = new Set(['2015-08-31-preview']);
const ISOLATION_SCOPE = new Set(['2024-11-30', '2025-01-31-preview', '2025-05-31-preview', '2026-04-30', '2026-05-31']);
const ASSIGNMENT_RESTRICTIONS = new Set(['2025-05-31-preview', '2026-05-31']);

function expectedPropertyKeys(version: string): string[] {
  const keys = ['tenantId', 'principalId', 'clientId'];
  if (CLIENT_SECRET_URL.has(version)) keys.push('clientSecretUrl');
  if (ISOLATION_SCOPE.has(version)) keys.push('isolationScope');
  if (ASSIGNMENT_RESTRICTIONS.has(version)) keys.push('assignmentRestrictions');
  return keys.sort();
}

function assertShape(body: any, version: string, tenantId: string): void {
  assert.deepEqual(Object.keys(body).sort(), ['id', 'location', 'name', 'properties', 'tags', 'type'], `${version}: top-level keys`);
  assert.equal(body.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
  const p = body.properties;
  assert.deepEqual(Object.keys(p).sort(), expectedPropertyKeys(version), `${version}: property keys`);
  assert.equal(p.tenantId, tenantId);
  assert.match(p.clientId, GUID);
  assert.match(p.principalId, GUID);
  if (CLIENT_SECRET_URL.has(version)) {
    assert.match(p.clientSecretUrl, /^https:\/\//);
    assert.ok(p.clientSecretUrl.includes(`aid=${p.clientId}`), p.clientSecretUrl);
  }
  if (ISOLATION_SCOPE.has(version)) assert.equal(p.isolationScope, 'None');
  if (ASSIGNMENT_RESTRICTIONS.has(version)) assert.deepEqual(p.assignmentRestrictions, { providers: [] });
}

await forEachBackend((server) => {
  const group = 'rg-versions';
  before(async () => {
    await createGroup(server(), group, 'westus');
  });

  for (const [i, version] of MSI_VERSIONS.entries()) {
    describe(version, () => {
      test('PUT, GET and list show exactly the properties this version has', async () => {
        const s = server();
        const name = `shape-${i}`;
        const created = await createIdentity(s, group, name, { location: 'westus', tags: { v: version } }, version);
        assertShape(created.body, version, s.tenantId);
        assert.equal(created.body.name, name);
        assert.deepEqual(created.body.tags, { v: version });

        const got = await s.arm('GET', identityPath(s, group, name, version));
        assertOk(got);
        assertShape(got.body, version, s.tenantId);
        assert.deepEqual(got.body, created.body);

        const listed = await s.arm('GET', groupIdentitiesPath(s, group, version));
        assertOk(listed);
        const item = listed.body.value.find((x: any) => x.name === name);
        assert.deepEqual(item, created.body);

        const patched = await s.arm('PATCH', identityPath(s, group, name, version), { tags: { p: '1' } });
        assertOk(patched);
        assertShape(patched.body, version, s.tenantId);
        assert.deepEqual(patched.body.properties, created.body.properties);
      });

      if (version === '2015-08-31-preview') {
        test('location is optional and defaults to the resource group location', async () => {
          const s = server();
          await createGroup(s, 'rg-versions-east', 'eastus');
          const created = await createIdentity(s, 'rg-versions-east', 'no-location', {}, version);
          assert.equal(created.body.location, 'eastus');
          assert.equal((await s.arm('GET', identityPath(s, 'rg-versions-east', 'no-location', version))).body.location, 'eastus');
        });
      } else {
        test('location is required: LocationRequired and nothing created', async () => {
          const s = server();
          const name = `noloc-${i}`;
          assertArmError(await s.arm('PUT', identityPath(s, group, name, version), { tags: { a: 'b' } }), 400, 'LocationRequired');
          assertArmError(await s.arm('PUT', identityPath(s, group, name, version), { location: '' }), 400, 'LocationRequired');
          assertArmError(await s.arm('GET', identityPath(s, group, name, version)), 404, 'ResourceNotFound');
        });
      }

      if (ISOLATION_SCOPE.has(version)) {
        test('isolationScope: Regional can be set by PUT and PATCH, an unknown value is 400', async () => {
          const s = server();
          const name = `iso-${i}`;
          const created = await createIdentity(s, group, name, { location: 'westus', properties: { isolationScope: 'Regional' } }, version);
          assert.equal(created.body.properties.isolationScope, 'Regional');
          assert.equal((await s.arm('GET', identityPath(s, group, name, version))).body.properties.isolationScope, 'Regional');

          const back = await s.arm('PATCH', identityPath(s, group, name, version), { properties: { isolationScope: 'None' } });
          assertOk(back);
          assert.equal(back.body.properties.isolationScope, 'None');
          const again = await s.arm('PATCH', identityPath(s, group, name, version), { properties: { isolationScope: 'Regional' } });
          assert.equal(again.body.properties.isolationScope, 'Regional');
          assert.equal(again.body.properties.clientId, created.body.properties.clientId);

          assertArmError(
            await s.arm('PUT', identityPath(s, group, `iso-bad-${i}`, version), { location: 'westus', properties: { isolationScope: 'Global' } }),
            400,
            'InvalidParameter',
            /isolationScope/,
          );
          assertArmError(await s.arm('GET', identityPath(s, group, `iso-bad-${i}`, version)), 404, 'ResourceNotFound');
          assertArmError(await s.arm('PATCH', identityPath(s, group, name, version), { properties: { isolationScope: 7 } }), 400, 'InvalidParameter');
          assert.equal((await s.arm('GET', identityPath(s, group, name, version))).body.properties.isolationScope, 'Regional');
        });
      }

      if (ASSIGNMENT_RESTRICTIONS.has(version)) {
        test('assignmentRestrictions: providers can be set and read back, an invalid one is 400', async () => {
          const s = server();
          const name = `restrict-${i}`;
          const providers = ['Microsoft.Compute', 'Microsoft.Storage/storageAccounts'];
          const created = await createIdentity(s, group, name, { location: 'westus', properties: { assignmentRestrictions: { providers } } }, version);
          assert.deepEqual(created.body.properties.assignmentRestrictions, { providers });
          assert.deepEqual((await s.arm('GET', identityPath(s, group, name, version))).body.properties.assignmentRestrictions, { providers });
          assertArmError(
            await s.arm('PUT', identityPath(s, group, `restrict-bad-${i}`, version), { location: 'westus', properties: { assignmentRestrictions: { providers: ['not a provider'] } } }),
            400,
            'InvalidParameter',
          );
          assertArmError(
            await s.arm('PUT', identityPath(s, group, `restrict-bad-${i}`, version), { location: 'westus', properties: { assignmentRestrictions: { providers: 'Microsoft.Compute' } } }),
            400,
            'InvalidRequestContent',
          );
          assertArmError(await s.arm('GET', identityPath(s, group, `restrict-bad-${i}`, version)), 404, 'ResourceNotFound');
        });
      }
    });
  }

  test('a version without isolationScope or assignmentRestrictions neither shows nor resets them', async () => {
    const s = server();
    const created = await createIdentity(
      s,
      group,
      'cross-version',
      { location: 'westus', properties: { isolationScope: 'Regional', assignmentRestrictions: { providers: ['Microsoft.Web'] } } },
      '2026-05-31',
    );
    const old = await s.arm('PUT', identityPath(s, group, 'cross-version', '2018-11-30'), { location: 'westus', tags: { old: 'client' }, properties: { isolationScope: 'None' } });
    assertOk(old, 200);
    assert.deepEqual(Object.keys(old.body.properties).sort(), ['clientId', 'principalId', 'tenantId']);
    assert.equal(old.body.properties.clientId, created.body.properties.clientId);

    const now = await s.arm('GET', identityPath(s, group, 'cross-version', '2026-05-31'));
    assert.equal(now.body.properties.isolationScope, 'Regional');
    assert.deepEqual(now.body.properties.assignmentRestrictions, { providers: ['Microsoft.Web'] });
    assert.deepEqual(now.body.tags, { old: 'client' });

    // 2026-04-30 knows isolationScope but not assignmentRestrictions.
    const mid = await s.arm('GET', identityPath(s, group, 'cross-version', '2026-04-30'));
    assert.equal(mid.body.properties.isolationScope, 'Regional');
    assert.equal('assignmentRestrictions' in mid.body.properties, false);
  });

  test('api-versions are matched case-insensitively', async () => {
    const s = server();
    const res = await createIdentity(s, group, 'upper-version', { location: 'westus' }, '2025-05-31-PREVIEW');
    assert.deepEqual(res.body.properties.assignmentRestrictions, { providers: [] });
  });
});
