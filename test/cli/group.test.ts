import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser } from '../support/cli.js';

let server: TestServer;
let user: CliUser;

before(async () => {
  server = await startTestServer();
  user = new CliUser();
  await user.loginAdmin(server);
});

after(async () => {
  user?.cleanup();
  await server?.close();
});

test('group create, show, exists, update, list and delete work through the REST API', async () => {
  const created = await user.json<Record<string, unknown>>(['group', 'create', '-n', 'cli-rg1', '-l', 'westeurope', '--tags', 'env=dev', 'team=id']);
  assert.deepEqual(created, {
    id: `/subscriptions/${server.subscriptionId}/resourceGroups/cli-rg1`,
    location: 'westeurope',
    managedBy: null,
    name: 'cli-rg1',
    properties: { provisioningState: 'Succeeded' },
    tags: { env: 'dev', team: 'id' },
    type: 'Microsoft.Resources/resourceGroups',
  });
  const rest = await server.arm('GET', `/subscriptions/${server.subscriptionId}/resourcegroups/cli-rg1?api-version=2021-04-01`);
  assert.equal(rest.status, 200);

  assert.deepEqual(await user.json(['group', 'show', '-n', 'cli-rg1']), created);
  assert.equal(await user.json(['group', 'exists', '-n', 'cli-rg1']), true);
  assert.equal(await user.json(['group', 'exists', '-n', 'cli-missing']), false);

  const updated = await user.json<{ tags: unknown }>(['group', 'update', '-n', 'cli-rg1', '--tags', 'env=prod']);
  assert.deepEqual(updated.tags, { env: 'prod' });

  const names = await user.json<string[]>(['group', 'list', '--query', '[].name']);
  assert.ok(names.includes('cli-rg1'));

  const del = await user.run(['group', 'delete', '-n', 'cli-rg1', '--yes']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  assert.equal((await server.arm('GET', `/subscriptions/${server.subscriptionId}/resourcegroups/cli-rg1?api-version=2021-04-01`)).status, 404);
});

test('group delete without --yes and without a terminal refuses and deletes nothing', async () => {
  await user.json(['group', 'create', '-n', 'cli-rg2', '-l', 'eastus']);
  const r = await user.run(['group', 'delete', '-n', 'cli-rg2']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'ERROR: Unable to prompt for confirmation as no tty available. Use --yes.\n');
  assert.equal((await server.arm('GET', `/subscriptions/${server.subscriptionId}/resourcegroups/cli-rg2?api-version=2021-04-01`)).status, 200);
});

test('a missing group is reported as az reports it, with exit code 1', async () => {
  const r = await user.run(['group', 'show', '-n', 'cli-nope']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "ERROR: (ResourceGroupNotFound) Resource group 'cli-nope' could not be found.\nCode: ResourceGroupNotFound\nMessage: Resource group 'cli-nope' could not be found.\n");
});

test('group list -o table shows name, location and status as az does', async () => {
  await user.json(['group', 'create', '-n', 'cli-rg-table', '-l', 'northeurope']);
  const r = await user.ok(['group', 'list', '-o', 'table', '--query', "[?name=='cli-rg-table']"]);
  // With --query the columns follow the query's objects, as in az; without it az's table transformer applies.
  assert.match(r.stdout, /cli-rg-table/);
  const plain = (await user.ok(['group', 'list', '-o', 'table'])).stdout.split('\n');
  assert.match(plain[0], /^Name\s+Location\s+Status\s*$/);
  assert.ok(plain.some((line) => /^cli-rg-table\s+northeurope\s+Succeeded\s*$/.test(line)), plain.join('\n'));
});
