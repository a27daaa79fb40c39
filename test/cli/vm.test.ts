import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser } from '../support/cli.js';

// `amity vm …` against a running server, verified through REST. (Debian az 2.45's `az vm` crashes before sending
// anything, see the protocol notes §8, so the output shapes follow az's code: _construct_identity_info and the
// VirtualMachineIdentity model.)

let server: TestServer;
let user: CliUser;
let rg: string;

before(async () => {
  server = await startTestServer();
  user = new CliUser('vm');
  await user.loginAdmin(server);
  rg = `/subscriptions/${server.subscriptionId}/resourceGroups/vm-rg`;
  await user.ok(['group', 'create', '-n', 'vm-rg', '-l', 'northeurope', '-o', 'none']);
});

after(async () => {
  user?.cleanup();
  await server?.close();
});

const vmRest = (name: string) => server.arm('GET', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2022-08-01`);

async function uami(name: string): Promise<{ id: string; principalId: string; clientId: string }> {
  const r = await server.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`, { location: 'northeurope' });
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return { id: r.body.id, ...r.body.properties };
}

test('vm create (location from the group, system identity), list, show and delete', async () => {
  const created = await user.json<Record<string, any>>(['vm', 'create', '-g', 'vm-rg', '-n', 'host1', '--assign-identity', '--tags', 'env=dev', '--os-type', 'Windows']);
  const rest = await vmRest('host1');
  assert.equal(rest.status, 200);
  assert.equal(rest.body.location, 'northeurope');
  assert.deepEqual(rest.body.tags, { env: 'dev' });
  assert.equal(rest.body.properties.osType, 'Windows');
  assert.deepEqual(created, {
    fqdns: '',
    id: rest.body.id,
    identity: { systemAssignedIdentity: rest.body.identity.principalId, userAssignedIdentities: {} },
    location: 'northeurope',
    macAddress: '',
    powerState: '',
    privateIpAddress: '',
    publicIpAddress: '',
    resourceGroup: 'vm-rg',
    zones: '',
  });

  const shown = await user.json<Record<string, any>>(['vm', 'show', '-g', 'vm-rg', '-n', 'host1']);
  assert.equal(shown.id, rest.body.id);
  assert.equal(shown.resourceGroup, 'vm-rg');
  assert.equal(shown.provisioningState, 'Succeeded');
  assert.equal(shown.vmId, rest.body.properties.vmId);
  assert.equal(shown.hostName, 'host1');
  assert.equal(shown.hardwareProfile, null);
  assert.deepEqual(shown.identity, { principalId: rest.body.identity.principalId, tenantId: server.tenantId, type: 'SystemAssigned', userAssignedIdentities: null });

  await user.ok(['vm', 'create', '-g', 'vm-rg', '-n', 'host2', '-l', 'westus', '-o', 'none']);
  assert.deepEqual((await user.json<Record<string, any>[]>(['vm', 'list', '-g', 'vm-rg'])).map((v) => v.name).sort(), ['host1', 'host2']);
  assert.deepEqual(await user.json(['vm', 'list', '--query', '[].location | sort(@)']), ['northeurope', 'westus']);
  assert.equal((await vmRest('host2')).body.identity, undefined, 'no identity unless asked for');

  const refused = await user.run(['vm', 'delete', '-g', 'vm-rg', '-n', 'host2']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n');
  const del = await user.run(['vm', 'delete', '-g', 'vm-rg', '-n', 'host2', '--yes']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  assert.equal((await vmRest('host2')).status, 404);

  const missing = await user.run(['vm', 'show', '-g', 'vm-rg', '-n', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^ERROR: \(ResourceNotFound\) /);
  const usage = await user.run(['vm', 'create', '-n', 'x']);
  assert.equal(usage.code, 2);
});

test('vm identity assign, show and remove: user-assigned by id or name, [system]', async () => {
  const a = await uami('vm-id-a');
  const b = await uami('vm-id-b');
  await user.ok(['vm', 'create', '-g', 'vm-rg', '-n', 'host3', '--assign-identity', a.id, '-o', 'none']);
  assert.equal((await vmRest('host3')).body.identity.type, 'UserAssigned');

  // A name is looked up in the VM's group; [system] adds the system-assigned identity.
  const assigned = await user.json<Record<string, any>>(['vm', 'identity', 'assign', '-g', 'vm-rg', '-n', 'host3', '--identities', 'vm-id-b', '[system]']);
  const rest = (await vmRest('host3')).body;
  assert.equal(rest.identity.type, 'SystemAssigned, UserAssigned');
  assert.deepEqual(assigned, {
    systemAssignedIdentity: rest.identity.principalId,
    userAssignedIdentities: {
      [a.id]: { clientId: a.clientId, principalId: a.principalId },
      [b.id]: { clientId: b.clientId, principalId: b.principalId },
    },
  });
  const shown = await user.json<Record<string, any>>(['vm', 'identity', 'show', '-g', 'vm-rg', '-n', 'host3']);
  assert.deepEqual(shown, { principalId: rest.identity.principalId, tenantId: server.tenantId, type: 'SystemAssigned, UserAssigned', userAssignedIdentities: assigned.userAssignedIdentities });

  // Without --identities, remove takes the system-assigned identity away.
  const noSystem = await user.json<Record<string, any>>(['vm', 'identity', 'remove', '-g', 'vm-rg', '-n', 'host3']);
  assert.equal(noSystem.type, 'UserAssigned');
  assert.equal(noSystem.principalId, null);
  const notThere = await user.run(['vm', 'identity', 'remove', '-g', 'vm-rg', '-n', 'host3', '--identities', '/subscriptions/x/resourceGroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/z']);
  assert.equal(notThere.code, 1);
  assert.match(notThere.stderr, /are not associated with 'host3'/);
  const oneLeft = await user.json<Record<string, any>>(['vm', 'identity', 'remove', '-g', 'vm-rg', '-n', 'host3', '--identities', a.id]);
  assert.deepEqual(Object.keys(oneLeft.userAssignedIdentities), [b.id]);
  const none = await user.run(['vm', 'identity', 'remove', '-g', 'vm-rg', '-n', 'host3', '--identities', b.id]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal((await vmRest('host3')).body.identity, undefined);
  const empty = await user.run(['vm', 'identity', 'show', '-g', 'vm-rg', '-n', 'host3']);
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, '');

  // Assigning an identity that does not exist is the server's error, printed as az prints it.
  const bad = await user.run(['vm', 'identity', 'assign', '-g', 'vm-rg', '-n', 'host3', '--identities', 'vm-id-missing']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^ERROR: \(FailedIdentityOperation\) /);
});
