import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Az, requireAz, useCloud, login } from '../support/azureCli.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser } from '../support/cli.js';

// `amity identity …` against a running server, each output compared field by field with what the real az 2.45
// prints for the same identity (both tools read the same server).

const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
let s: TestServer;
let user: CliUser;
let az: Az | undefined;

before(async () => {
  s = await startTestServer();
  user = new CliUser('identity');
  await user.loginAdmin(s);
  await user.json(['group', 'create', '-n', 'rg-id', '-l', 'westus']);
  await user.json(['group', 'create', '-n', 'rg-id2', '-l', 'northeurope']);
});

after(async () => {
  az?.dispose();
  user?.cleanup();
  await s?.close();
});

/** The real az signed in to the same server, or undefined (test skipped) when az is not installed. */
async function realAz(t: Parameters<typeof requireAz>[0]): Promise<Az | undefined> {
  if (!requireAz(t)) return undefined;
  if (!az) {
    az = new Az(s.caBundlePath, 'amity-cli-az-');
    await useCloud(az, s);
    const r = await login(az, s);
    assert.equal(r.code, 0, r.stderr);
  }
  return az;
}

test('identity create takes the group location without -l, -l and tags when given; shapes as az prints them', async (t) => {
  const id1 = await user.json<Record<string, unknown>>(['identity', 'create', '-g', 'rg-id', '-n', 'cli-id1']);
  assert.deepEqual(Object.keys(id1).sort(), ['clientId', 'id', 'location', 'name', 'principalId', 'resourceGroup', 'tags', 'tenantId', 'type']);
  assert.equal(id1.location, 'westus');
  assert.equal(id1.resourceGroup, 'rg-id');
  assert.equal(id1.type, UAMI);
  assert.equal(id1.tenantId, s.tenantId);
  assert.deepEqual(id1.tags, {});
  assert.equal(id1.id, `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id/providers/${UAMI}/cli-id1`);

  const id2 = await user.json<Record<string, unknown>>(['identity', 'create', '-g', 'rg-id', '-n', 'cli-id2', '-l', 'eastus', '--tags', 'env=dev', 'empty=']);
  assert.equal(id2.location, 'eastus');
  assert.deepEqual(id2.tags, { env: 'dev', empty: '' });

  // The same REST state through ARM.
  const rest = await s.arm('GET', `${id1.id}?api-version=2023-01-31`);
  assert.equal(rest.body.properties.clientId, id1.clientId);

  const cli = await realAz(t);
  if (!cli) return;
  const byAz = await cli.ok('identity', 'create', '-g', 'rg-id', '-n', 'az-id1', '--tags', 'env=dev', 'empty=');
  assert.deepEqual(Object.keys(byAz).sort(), Object.keys(id2).sort());
  for (const k of ['location', 'resourceGroup', 'type', 'tenantId']) assert.deepEqual(byAz[k], id1[k], k);
  assert.deepEqual(byAz.tags, id2.tags);
});

test('identity show, list (with and without -g) and list --ids print exactly what az prints', async (t) => {
  await user.json(['identity', 'create', '-g', 'rg-id2', '-n', 'cli-id3']);
  const shown = await user.json<Record<string, unknown>>(['identity', 'show', '-g', 'rg-id', '-n', 'cli-id2']);
  const byId = await user.json(['identity', 'show', '--ids', String(shown.id)]);
  assert.deepEqual(byId, shown);
  const two = await user.json<Record<string, unknown>[]>(['identity', 'show', '--ids', String(shown.id), `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id2/providers/${UAMI}/cli-id3`]);
  assert.deepEqual(two.map((i) => i.name), ['cli-id2', 'cli-id3']);

  const inGroup = await user.json<Record<string, unknown>[]>(['identity', 'list', '-g', 'rg-id2']);
  assert.deepEqual(inGroup.map((i) => i.name), ['cli-id3']);
  const all = await user.json<Record<string, unknown>[]>(['identity', 'list']);
  assert.ok(['cli-id1', 'cli-id2', 'cli-id3'].every((n) => all.some((i) => i.name === n)));

  const cli = await realAz(t);
  if (!cli) return;
  assert.deepEqual(await cli.ok('identity', 'show', '-g', 'rg-id', '-n', 'cli-id2'), shown);
  assert.deepEqual(await cli.ok('identity', 'list', '-g', 'rg-id2'), inGroup);
  assert.deepEqual(await cli.ok('identity', 'list'), await user.json(['identity', 'list']));
  assert.deepEqual(await cli.ok('identity', 'show', '--ids', String(shown.id), `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id2/providers/${UAMI}/cli-id3`).then((l: any[]) => l.map((i) => i.name).sort()), ['cli-id2', 'cli-id3']);
});

test('identity update changes tags (az 2.45 has no identity update: the shape is show\'s)', async (t) => {
  const updated = await user.json<Record<string, unknown>>(['identity', 'update', '-g', 'rg-id', '-n', 'cli-id1', '--tags', 'team=blue']);
  assert.deepEqual(updated.tags, { team: 'blue' });
  const cli = await realAz(t);
  if (cli) assert.deepEqual(await cli.ok('identity', 'show', '-g', 'rg-id', '-n', 'cli-id1'), updated);
});

test('identity show of a missing identity and usage errors are reported as az reports them', async () => {
  const missing = await user.run(['identity', 'show', '-g', 'rg-id', '-n', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^ERROR: \(ResourceNotFound\) The Resource 'Microsoft\.ManagedIdentity\/userAssignedIdentities\/nope' under resource group 'rg-id' was not found\./);
  const noGroup = await user.run(['identity', 'show', '-n', 'cli-id1']);
  assert.equal(noGroup.stderr, 'ERROR: (--resource-group | --ids) are required\n');
  const badGroup = await user.run(['identity', 'create', '-g', 'missing-rg', '-n', 'x-id']);
  assert.equal(badGroup.code, 1);
  assert.match(badGroup.stderr, /^ERROR: \(ResourceGroupNotFound\) Resource group 'missing-rg' could not be found\./);
  const noName = await user.run(['identity', 'create', '-g', 'rg-id']);
  assert.equal(noName.code, 2);
  assert.match(noName.stderr, /required option '-n, --name <name>' not specified/);
});

test('federated-credential create, list, show, update and delete --yes match az', async (t) => {
  await user.json(['identity', 'create', '-g', 'rg-id', '-n', 'fic-host']);
  const common = ['-g', 'rg-id', '--identity-name', 'fic-host'];
  const created = await user.json<Record<string, unknown>>(['identity', 'federated-credential', 'create', ...common, '-n', 'fic-one', '--issuer', 'https://issuer.example.test', '--subject', 'repo:org/app:ref:refs/heads/main']);
  assert.deepEqual(created, {
    audiences: ['api://AzureADTokenExchange'],
    id: `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id/providers/${UAMI}/fic-host/federatedIdentityCredentials/fic-one`,
    issuer: 'https://issuer.example.test',
    name: 'fic-one',
    resourceGroup: 'rg-id',
    subject: 'repo:org/app:ref:refs/heads/main',
    type: `${UAMI}/federatedIdentityCredentials`,
  });
  const custom = await user.json<Record<string, unknown>>(['identity', 'federated-credential', 'create', ...common, '-n', 'fic-two', '--issuer', 'https://issuer.example.test', '--subject', 'other', '--audiences', 'api://custom']);
  assert.deepEqual(custom.audiences, ['api://custom']);
  const missingArgs = await user.run(['identity', 'federated-credential', 'create', ...common, '-n', 'fic-x', '--issuer', 'https://issuer.example.test']);
  assert.equal(missingArgs.stderr, 'ERROR: usage error: please provide both --issuer and --subject parameters\n');

  // Beyond az: update keeps what is not given (az needs --issuer and --subject again).
  const updated = await user.json<Record<string, unknown>>(['identity', 'federated-credential', 'update', ...common, '-n', 'fic-two', '--subject', 'changed']);
  assert.equal(updated.subject, 'changed');
  assert.deepEqual(updated.audiences, ['api://custom']);

  const listed = await user.json<Record<string, unknown>[]>(['identity', 'federated-credential', 'list', ...common]);
  assert.deepEqual(listed.map((f) => f.name).sort(), ['fic-one', 'fic-two']);
  const shown = await user.json(['identity', 'federated-credential', 'show', ...common, '-n', 'fic-one']);
  assert.deepEqual(shown, created);

  const cli = await realAz(t);
  if (cli) {
    assert.deepEqual(await cli.ok('identity', 'federated-credential', 'show', ...common, '-n', 'fic-one'), shown);
    assert.deepEqual(await cli.ok('identity', 'federated-credential', 'list', ...common), listed);
    const byAz = await cli.ok('identity', 'federated-credential', 'create', ...common, '-n', 'fic-az', '--issuer', 'https://issuer.example.test', '--subject', 'az-subject');
    assert.deepEqual(Object.keys(byAz).sort(), Object.keys(created).sort());
    assert.deepEqual(byAz.audiences, created.audiences);
  }

  const del = await user.run(['identity', 'federated-credential', 'delete', ...common, '-n', 'fic-one', '--yes']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  const refused = await user.run(['identity', 'federated-credential', 'delete', ...common, '-n', 'fic-two']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n');
  const left = await user.json<Record<string, unknown>[]>(['identity', 'federated-credential', 'list', ...common, '--query', '[].name']);
  assert.deepEqual((left as unknown as string[]).sort(), cli ? ['fic-az', 'fic-two'] : ['fic-two']);
});

test('identity list-resources lists the hosts an identity is assigned to, as az does', async (t) => {
  const id = await user.json<Record<string, string>>(['identity', 'create', '-g', 'rg-id', '-n', 'assigned-id']);
  for (const vm of ['vm-b', 'vm-a']) {
    const res = await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id/providers/Microsoft.Compute/virtualMachines/${vm}?api-version=2022-08-01`, {
      location: 'westus',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [id.id]: {} } },
    });
    assert.ok(res.status === 200 || res.status === 201, res.text);
  }
  const listed = await user.json<Record<string, string>[]>(['identity', 'list-resources', '-g', 'rg-id', '-n', 'assigned-id']);
  assert.deepEqual(listed.map((r) => r.name), ['vm-a', 'vm-b']);
  assert.deepEqual(Object.keys(listed[0]).sort(), ['id', 'name', 'resourceGroup', 'subscriptionDisplayName', 'subscriptionId', 'type']);
  // Every page followed: one resource a page still gives both.
  assert.deepEqual(await user.json(['identity', 'list-resources', '--ids', id.id, '--top', '1', '--query', '[].name']), ['vm-a', 'vm-b']);
  assert.deepEqual(await user.json(['identity', 'list-resources', '-g', 'rg-id', '-n', 'assigned-id', '--filter', "name eq 'vm-b'", '--query', '[].name']), ['vm-b']);
  const cli = await realAz(t);
  if (cli) assert.deepEqual(await cli.ok('identity', 'list-resources', '-g', 'rg-id', '-n', 'assigned-id'), listed);
});

test('identity delete removes the identity without asking (as az), and prints nothing', async (t) => {
  await user.json(['identity', 'create', '-g', 'rg-id', '-n', 'doomed-id']);
  const del = await user.run(['identity', 'delete', '-g', 'rg-id', '-n', 'doomed-id']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  assert.equal((await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourceGroups/rg-id/providers/${UAMI}/doomed-id?api-version=2023-01-31`)).status, 404);
  const cli = await realAz(t);
  if (!cli) return;
  await user.json(['identity', 'create', '-g', 'rg-id', '-n', 'doomed-id2']);
  const r = await cli.run('identity', 'delete', '-g', 'rg-id', '-n', 'doomed-id2');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, del.stdout);
});
