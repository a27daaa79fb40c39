import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../support/server.js';
import { Az, login, requireAz, useCloud } from '../support/azureCli.js';
import { group, identity, vm, VM } from './support.js';

// The Debian azure-cli cannot run `az vm …` (its compute SDK lacks the profile's api-version, see
// shared/reference/azure-cli-protocol.md §8), so hosts are driven with `az rest`, as the reference shows.
test('az rest adds a user-assigned identity to a VM (PATCH 2022-08-01) and the reply echoes principalId/clientId', async (t) => {
  if (!requireAz(t)) return;
  const s = await startTestServer();
  const az = new Az(s.caBundlePath);
  try {
    await useCloud(az, s, 'AmityHosts');
    const signIn = await login(az, s);
    assert.equal(signIn.code, 0, signIn.stderr);
    const rg = await group(s, 'cli-hosts');
    const uami = await identity(s, rg, 'cli-identity');
    await vm(s, rg, 'vm1');
    const url = `/subscriptions/${s.subscriptionId}/resourceGroups/cli-hosts/providers/${VM}/vm1`;

    const patched = await az.ok('rest', '--method', 'patch', '--url', `${url}?api-version=2022-08-01`, '--body', JSON.stringify({ identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } } }));
    assert.equal(patched.identity.type, 'UserAssigned');
    assert.deepEqual(patched.identity.userAssignedIdentities[uami.id], { principalId: uami.properties.principalId, clientId: uami.properties.clientId });

    // What `az vm identity assign` sends under the 2020-09-01-hybrid profile: GET, PATCH (system-assigned), GET.
    const before = await az.ok('rest', '--method', 'get', '--url', `${url}?$expand=instanceView&api-version=2020-06-01`);
    assert.equal(before.name, 'vm1');
    const sys = await az.ok('rest', '--method', 'patch', '--url', `${url}?api-version=2020-06-01`, '--body', JSON.stringify({ identity: { type: 'SystemAssigned, UserAssigned' } }));
    assert.equal(sys.identity.type, 'SystemAssigned, UserAssigned');
    assert.match(sys.identity.principalId, /^[0-9a-f-]{36}$/);
    const def = await az.ok('rest', '--method', 'get', '--url', `${url}/providers/Microsoft.ManagedIdentity/identities/default?api-version=2018-11-30`);
    assert.equal(def.properties.principalId, sys.identity.principalId);

    const bad = await az.fails('rest', '--method', 'patch', '--url', `${url}?api-version=2022-08-01`, '--body', JSON.stringify({ identity: { type: 'UserAssigned', userAssignedIdentities: { '/subscriptions/nope': {} } } }));
    assert.match(bad.stderr, /InvalidIdentityId/);
  } finally {
    az.dispose();
    await s.close();
  }
});
