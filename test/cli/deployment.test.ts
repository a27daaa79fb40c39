import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { CliUser, signedInAz } from '../support/cli.js';
import { requireAz, type Az } from '../support/azureCli.js';

// `amity deployment …` against a running server's template deployments, verified through REST and compared
// with the real az's output for the same deployments (show, list, validate, what-if).

let server: TestServer;
let user: CliUser;
let az: Az | undefined;
let template: string;

const TEMPLATE = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: {
    idName: { type: 'string' },
    count: { type: 'int', defaultValue: 1 },
    extraTags: { type: 'object', defaultValue: {} },
  },
  resources: [
    {
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      apiVersion: '2023-01-31',
      name: "[parameters('idName')]",
      location: '[resourceGroup().location]',
      tags: "[parameters('extraTags')]",
    },
  ],
  outputs: {
    principalId: { type: 'string', value: "[reference(parameters('idName')).principalId]" },
    count: { type: 'int', value: "[parameters('count')]" },
  },
};

before(async () => {
  server = await startTestServer();
  user = new CliUser('deploy');
  await user.loginAdmin(server);
  az = await signedInAz(server);
  template = path.join(user.cwd, 'identity.json');
  // With a comment, as people write templates (az strips comments too).
  fs.writeFileSync(template, `// an identity\n${JSON.stringify(TEMPLATE, null, 2)}`);
  await user.ok(['group', 'create', '-n', 'dep-rg', '-l', 'westus', '-o', 'none']);
});

after(async () => {
  az?.dispose();
  user?.cleanup();
  await server?.close();
});

const rgPath = () => `/subscriptions/${server.subscriptionId}/resourceGroups/dep-rg`;
const identityRest = (name: string) => server.arm('GET', `${rgPath()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`);

test('deployment group create (parameters as k=v, a parameters file, inline JSON), show, list, export, delete', async (t) => {
  const created = await user.json<Record<string, any>>(['deployment', 'group', 'create', '-g', 'dep-rg', '--template-file', template, '--parameters', 'idName=dep-id1', 'count=3', '--parameters', '{"extraTags": {"value": {"team": "id"}}}']);
  assert.equal(created.name, 'identity', 'the name defaults to the template file name');
  assert.equal(created.resourceGroup, 'dep-rg');
  assert.equal(created.properties.provisioningState, 'Succeeded');
  assert.equal(created.properties.outputs.count.value, 3);
  const id1 = await identityRest('dep-id1');
  assert.equal(id1.status, 200);
  assert.deepEqual(id1.body.tags, { team: 'id' });
  assert.equal(created.properties.outputs.principalId.value, id1.body.properties.principalId);
  assert.match(created.properties.timestamp, /\+00:00$/);
  assert.deepEqual(created.properties.outputResources, [{ id: id1.body.id, resourceGroup: 'dep-rg' }]);

  const params = path.join(user.cwd, 'identity.parameters.json');
  fs.writeFileSync(params, JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { idName: { value: 'dep-id2' } } }));
  const second = await user.json<Record<string, any>>(['deployment', 'group', 'create', '-g', 'dep-rg', '-n', 'second', '-f', template, '-p', `@${params}`, '--mode', 'Incremental']);
  assert.equal(second.name, 'second');
  assert.equal((await identityRest('dep-id2')).status, 200);

  const shown = await user.json<Record<string, any>>(['deployment', 'group', 'show', '-g', 'dep-rg', '-n', 'identity']);
  assert.deepEqual(shown, created);
  const listed = await user.json<Record<string, any>[]>(['deployment', 'group', 'list', '-g', 'dep-rg']);
  assert.deepEqual(listed.map((d) => d.name).sort(), ['identity', 'second']);
  const succeeded = await user.json<string[]>(['deployment', 'group', 'list', '-g', 'dep-rg', '--filter', "provisioningState eq 'Succeeded'", '--query', '[].name']);
  assert.equal(succeeded.length, 2);
  assert.deepEqual(await user.json(['deployment', 'group', 'export', '-g', 'dep-rg', '-n', 'identity']), TEMPLATE);
  // az's table for deployments: name, state, timestamp, mode and group.
  const table = (await user.ok(['deployment', 'group', 'list', '-g', 'dep-rg', '-o', 'table'])).stdout.split('\n');
  assert.deepEqual(table[0].split(/\s+/), ['Name', 'State', 'Timestamp', 'Mode', 'ResourceGroup']);
  assert.match(table[2], /^identity\s+Succeeded\s+\d{4}-\S+\s+Incremental\s+dep-rg/);

  if (requireAz(t)) {
    assert.ok(az, 'az is installed but could not be signed in');
    assert.deepEqual(await az.ok('deployment', 'group', 'show', '-g', 'dep-rg', '-n', 'identity'), shown);
    assert.deepEqual(await az.ok('deployment', 'group', 'list', '-g', 'dep-rg'), listed);
    const azCreated = await az.ok('deployment', 'group', 'create', '-g', 'dep-rg', '-n', 'by-az', '--template-file', template, '--parameters', 'idName=dep-id3');
    assert.deepEqual(await user.json(['deployment', 'group', 'show', '-g', 'dep-rg', '-n', 'by-az']), azCreated);
    assert.deepEqual(await user.json(['deployment', 'group', 'export', '-g', 'dep-rg', '-n', 'by-az']), await az.ok('deployment', 'group', 'export', '-g', 'dep-rg', '-n', 'by-az'));
  }

  const del = await user.run(['deployment', 'group', 'delete', '-g', 'dep-rg', '-n', 'second']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(del.stdout, '');
  assert.equal((await server.arm('GET', `${rgPath()}/providers/Microsoft.Resources/deployments/second?api-version=2021-04-01`)).status, 404);
  assert.equal((await identityRest('dep-id2')).status, 200, 'deleting a deployment keeps what it deployed');

  const missing = await user.run(['deployment', 'group', 'show', '-g', 'dep-rg', '-n', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "ERROR: (DeploymentNotFound) Deployment 'nope' could not be found.\nCode: DeploymentNotFound\nMessage: Deployment 'nope' could not be found.\n");
  const cancel = await user.run(['deployment', 'group', 'cancel', '-g', 'dep-rg', '-n', 'identity']);
  assert.equal(cancel.code, 1);
  assert.match(cancel.stderr, /^ERROR: \(DeploymentCannotBeCancelled\) /);
});

test('deployment group validate and what-if, as az prints them', async (t) => {
  const validated = await user.json<Record<string, any>>(['deployment', 'group', 'validate', '-g', 'dep-rg', '-f', template, '-p', 'idName=dep-v1']);
  assert.equal(validated.error, null);
  assert.equal(validated.properties.provisioningState, 'Succeeded');
  assert.deepEqual(validated.properties.validatedResources, [{ id: `${rgPath()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/dep-v1`, resourceGroup: 'dep-rg' }]);
  assert.equal((await identityRest('dep-v1')).status, 404, 'validate deploys nothing');

  const whatIf = await user.json<Record<string, any>>(['deployment', 'group', 'what-if', '-g', 'dep-rg', '-f', template, '-p', 'idName=dep-w1', '--no-pretty-print']);
  assert.equal(whatIf.status, 'Succeeded');
  const create = whatIf.changes.find((c: any) => c.changeType === 'Create');
  assert.equal(create.resourceId, `${rgPath()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/dep-w1`);
  const report = await user.ok(['deployment', 'group', 'what-if', '-g', 'dep-rg', '-f', template, '-p', 'idName=dep-w1']);
  assert.match(report.stdout, /Resource and property changes are indicated with these symbols:\n {2}\+ Create\n/);
  assert.match(report.stdout, /Scope: \/subscriptions\/[0-9a-f-]+\/resourceGroups\/dep-rg\n\n {2}\+ Microsoft\.ManagedIdentity\/userAssignedIdentities\/dep-w1 \[2023-01-31\]\n/);
  assert.match(report.stdout, /Resource changes: 1 to create, /);
  const onlyCreate = await user.json<Record<string, any>>(['deployment', 'group', 'what-if', '-g', 'dep-rg', '-f', template, '-p', 'idName=dep-w1', '--no-pretty-print', '-x', 'Ignore', 'NoChange']);
  assert.deepEqual(onlyCreate.changes.map((c: any) => c.changeType), ['Create']);
  const dry = await user.ok(['deployment', 'group', 'create', '-g', 'dep-rg', '-f', template, '-p', 'idName=dep-w1', '--what-if']);
  assert.match(dry.stdout, /\+ Microsoft\.ManagedIdentity\/userAssignedIdentities\/dep-w1/);
  assert.equal((await identityRest('dep-w1')).status, 404, '--what-if deploys nothing');

  if (requireAz(t)) {
    assert.ok(az, 'az is installed but could not be signed in');
    const strip = (v: Record<string, any>) => ({ ...v, properties: { ...v.properties, correlationId: undefined, timestamp: undefined, duration: undefined } });
    assert.deepEqual(strip(await az.ok('deployment', 'group', 'validate', '-g', 'dep-rg', '--template-file', template, '--parameters', 'idName=dep-v1')), strip(validated));
    assert.deepEqual(await az.ok('deployment', 'group', 'what-if', '-g', 'dep-rg', '--template-file', template, '--parameters', 'idName=dep-w1', '--no-pretty-print'), whatIf);
    const azReport = await az.run('deployment', 'group', 'what-if', '-g', 'dep-rg', '--template-file', template, '--parameters', 'idName=dep-w1');
    assert.equal(azReport.code, 0, azReport.stderr);
    assert.equal(report.stdout, azReport.stdout);
    // A change to a deployed identity (its tags): the property deltas, as az prints them.
    await user.ok(['deployment', 'group', 'create', '-g', 'dep-rg', '-n', 'tagged', '-f', template, '-p', 'idName=dep-w2', 'extraTags={"team":"id","env":"dev"}', '-o', 'none']);
    const args = ['-g', 'dep-rg', '-f', template, '-p', 'idName=dep-w2', 'extraTags={"team":"platform","tier":"1"}'];
    const modify = await user.ok(['deployment', 'group', 'what-if', ...args]);
    assert.match(modify.stdout, /~ Modify/);
    const azModify = await az!.run('deployment', 'group', 'what-if', ...args);
    assert.equal(modify.stdout, azModify.stdout);
  }
});

test('deployment errors and parameters: missing, unknown, a template the server refuses; --no-wait; operations', async () => {
  const missing = await user.run(['deployment', 'group', 'create', '-g', 'dep-rg', '-f', template]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'ERROR: Missing input parameters: idName\n');
  const unknown = await user.run(['deployment', 'group', 'create', '-g', 'dep-rg', '-f', template, '-p', 'nope=1']);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, "ERROR: unrecognized template parameter 'nope'. Allowed parameters: count, extraTags, idName\n");
  const notInt = await user.run(['deployment', 'group', 'create', '-g', 'dep-rg', '-f', template, '-p', 'idName=x', 'count=many']);
  assert.equal(notInt.code, 1);

  const broken = path.join(user.cwd, 'broken.json');
  fs.writeFileSync(broken, JSON.stringify({ ...TEMPLATE, parameters: {}, resources: [{ ...TEMPLATE.resources[0], name: "[parameters('undeclared')]" }], outputs: {} }));
  const refused = await user.run(['deployment', 'group', 'validate', '-g', 'dep-rg', '-f', broken]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^ERROR: \{"code": "InvalidTemplate", "message": ".+"\}\n$/);

  const noWait = await user.run(['deployment', 'group', 'create', '-g', 'dep-rg', '-n', 'later', '-f', template, '-p', 'idName=dep-nw', '--no-wait']);
  assert.equal(noWait.code, 0, noWait.stderr);
  assert.equal(noWait.stdout, '');
  for (let i = 0; i < 50; i++) {
    const state = (await server.arm('GET', `${rgPath()}/providers/Microsoft.Resources/deployments/later?api-version=2021-04-01`)).body.properties?.provisioningState;
    if (state === 'Succeeded') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const ops = await user.json<Record<string, any>[]>(['deployment', 'operation', 'group', 'list', '-g', 'dep-rg', '-n', 'later']);
  assert.ok(ops.length >= 1);
  assert.equal(ops[0].properties.targetResource.resourceName, 'dep-nw');
});

test('deployment sub create, show and delete at subscription scope', async () => {
  const sub = path.join(user.cwd, 'group.json');
  fs.writeFileSync(sub, JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2021-04-01', name: 'dep-sub-rg', location: 'eastus' }],
  }));
  const created = await user.json<Record<string, any>>(['deployment', 'sub', 'create', '-l', 'eastus', '-f', sub]);
  assert.equal(created.location, 'eastus');
  assert.equal(created.properties.provisioningState, 'Succeeded');
  assert.equal((await server.arm('GET', `/subscriptions/${server.subscriptionId}/resourcegroups/dep-sub-rg?api-version=2021-04-01`)).status, 200);
  assert.deepEqual(await user.json(['deployment', 'sub', 'show', '-n', 'group']), created);
  await user.ok(['deployment', 'sub', 'delete', '-n', 'group']);
  assert.equal((await server.arm('GET', `/subscriptions/${server.subscriptionId}/providers/Microsoft.Resources/deployments/group?api-version=2021-04-01`)).status, 404);
  const noLocation = await user.run(['deployment', 'sub', 'create', '-f', sub]);
  assert.equal(noLocation.code, 2);
});
