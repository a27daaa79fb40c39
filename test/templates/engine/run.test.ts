import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runDeployment, DEPLOYMENT_FAILED_MESSAGE } from '../../../src/templates/engine/index.js';
import type { DeploymentOperation } from '../../../src/templates/engine/contract.js';
import { TemplateError } from '../../../src/templates/language/contract.js';
import { FakeGateway, RG_ID, SUB, armError, noHooks, rgScope, subScope, template } from './fakeGateway.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const MI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const idOf = (type: string, name: string): string => `${RG_ID}/providers/${type}/${name}`;
const widget = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'Microsoft.Test/widgets', apiVersion: '2021-01-01', name, ...extra });

describe('runDeployment', () => {
  it('deploys the seed template verbatim and returns outputs.identityName', async () => {
    const gw = new FakeGateway();
    const ops: DeploymentOperation[] = [];
    const r = await runDeployment(
      { template: fixture('seedIdentity.json'), parameters: { resourceName: { value: 'myIdentity' } }, mode: 'Incremental' },
      rgScope(),
      gw,
      { onOperation: (o) => void ops.push(o) },
    );
    assert.equal(r.provisioningState, 'Succeeded');
    assert.deepEqual(r.outputs, { identityName: { type: 'String', value: 'myIdentity' } });
    const id = idOf(MI, 'myIdentity');
    assert.deepEqual(r.outputResources, [{ id }]);
    assert.equal(gw.body(id)?.location, 'westus');
    assert.equal(gw.putVersions.get(id), '2018-11-30');
    assert.deepEqual(Object.keys(gw.body(id)!).sort(), ['id', 'location', 'name', 'properties', 'type'], 'template-only keys are not PUT');
    assert.deepEqual(
      ops.map((o) => [o.properties.provisioningState, o.properties.statusCode]),
      [
        ['Running', undefined],
        ['Succeeded', 'Created'],
      ],
    );
    assert.equal(ops[0].operationId, ops[1].operationId);
    assert.deepEqual(ops[1].properties.targetResource, { id, resourceType: MI, resourceName: 'myIdentity', apiVersion: '2018-11-30' });
    assert.match(ops[1].properties.duration, /^PT[\d.]+S$/);
    assert.deepEqual(r.providers, [{ namespace: 'Microsoft.ManagedIdentity', resourceTypes: [{ resourceType: 'userAssignedIdentities', locations: ['westus'] }] }]);
  });

  it('deploys identity, federated credential, VM and role assignment in order, with reference().principalId', async () => {
    const gw = new FakeGateway({ putDelayMs: (id) => (id.endsWith('/app-id') ? 30 : 1) });
    const r = await runDeployment({ template: fixture('identityStack.json'), parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    const identity = idOf(MI, 'app-id');
    const puts = gw.puts();
    assert.equal(puts[0], identity, 'the identity goes first: everything depends on it');
    assert.equal(puts.length, 4);
    const fic = `${identity}/federatedIdentityCredentials/github`;
    assert.ok(puts.includes(fic), 'nested child id is joined to the parent');
    const ra = puts.find((p) => p.includes('roleAssignments'))!;
    assert.match(ra, new RegExp(`^${identity}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`), 'extension resource under its scope');
    const principalId = (gw.body(identity)!.properties as Record<string, string>).principalId;
    assert.equal((gw.body(ra)!.properties as Record<string, string>).principalId, principalId);
    assert.deepEqual(gw.body(idOf('Microsoft.Compute/virtualMachines', 'app-id-vm'))!.identity, { type: 'UserAssigned', userAssignedIdentities: { [identity]: {} } });
    assert.equal(r.outputs.principalId.value, principalId);
    assert.equal(r.outputs.clientId.value, (gw.body(identity)!.properties as Record<string, string>).clientId);
    const raDeps = r.dependencies.find((d) => d.id === ra);
    assert.deepEqual(raDeps?.dependsOn.map((d) => d.id), [identity], 'the implicit reference() dependency is reported');
    assert.ok(r.dependencies.find((d) => d.id === fic));
  });

  it('orders by dependsOn (name, type/name, id) even when the dependency is slower', async () => {
    const gw = new FakeGateway({ putDelayMs: (id) => (id.endsWith('/slow') ? 40 : 1) });
    const t = template({
      resources: [
        widget('a', { dependsOn: ['slow'] }),
        widget('b', { dependsOn: ['Microsoft.Test/widgets/a'] }),
        widget('c', { dependsOn: ["[resourceId('Microsoft.Test/widgets', 'b')]"] }),
        widget('slow'),
      ],
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded');
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['slow', 'a', 'b', 'c']);
  });

  it('orders by an implicit reference() to a template resource', async () => {
    const gw = new FakeGateway({ putDelayMs: (id) => (id.endsWith('/first') ? 40 : 1) });
    const t = template({
      resources: [
        widget('second', { properties: { clientOf: "[reference('first').clientId]" } }),
        { type: MI, apiVersion: '2023-01-31', name: 'first', location: 'westus' },
      ],
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['first', 'second']);
    const first = gw.body(idOf(MI, 'first'))!.properties as Record<string, string>;
    assert.equal((gw.body(idOf('Microsoft.Test/widgets', 'second'))!.properties as Record<string, string>).clientOf, first.clientId);
  });

  it('runs independent resources concurrently, at most 8 at once', async () => {
    const gw = new FakeGateway({ putDelayMs: 15 });
    const t = template({ resources: [widget("[concat('w', copyIndex())]", { copy: { name: 'many', count: 20 } })] });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded');
    assert.equal(gw.puts().length, 20);
    assert.equal(gw.maxInFlight, 8);
  });

  it('honours serial copy with batchSize, and dependsOn a loop name waits for every instance', async () => {
    const delays = [30, 5, 30, 5, 1];
    const gw = new FakeGateway({ putDelayMs: (id) => (id.includes('/s') ? delays[Number(id.slice(-1))] : 1) });
    const t = template({
      resources: [
        widget('after', { dependsOn: ['loop'] }),
        widget("[concat('s', copyIndex())]", { copy: { name: 'loop', count: 5, mode: 'serial', batchSize: 2 }, properties: { i: '[copyIndex(1)]' } }),
      ],
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded');
    const order = gw.puts().map((p) => p.split('/').pop());
    assert.deepEqual(order, ['s1', 's0', 's3', 's2', 's4', 'after'], 'batches of 2, one batch after the other');
    assert.equal((gw.body(idOf('Microsoft.Test/widgets', 's4'))!.properties as Record<string, number>).i, 5);
  });

  it('serial copy with batchSize 1 deploys strictly one after another', async () => {
    const gw = new FakeGateway({ putDelayMs: (id) => 30 - Number(id.slice(-1)) * 10 });
    const t = template({ resources: [widget("[concat('x', copyIndex())]", { copy: { name: 'l', count: 3, mode: 'Serial' } })] });
    await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['x0', 'x1', 'x2']);
    assert.equal(gw.maxInFlight, 1);
  });

  it('skips resources whose condition is false, and outputs whose condition is false', async () => {
    const gw = new FakeGateway();
    const t = template({
      parameters: { make: { type: 'bool', defaultValue: false } },
      resources: [widget('maybe', { condition: "[parameters('make')]" }), widget('always', { dependsOn: ['maybe'] })],
      outputs: {
        shown: { type: 'string', value: 'yes' },
        hidden: { type: 'string', condition: "[parameters('make')]", value: "[reference('maybe').x]" },
      },
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['always']);
    assert.deepEqual(r.outputResources, [{ id: idOf('Microsoft.Test/widgets', 'always') }]);
    assert.deepEqual(Object.keys(r.outputs), ['shown']);
  });

  it('expands property copy and variable copy', async () => {
    const gw = new FakeGateway();
    const t = template({
      variables: {
        copy: [{ name: 'names', count: 3, input: "[concat('n', copyIndex('names'))]" }],
        disks: { copy: [{ name: 'list', count: 2, input: { lun: "[copyIndex('list')]" } }] },
      },
      resources: [
        widget('w', {
          properties: {
            copy: [{ name: 'dataDisks', count: 2, input: { lun: "[copyIndex('dataDisks')]", name: "[variables('names')[copyIndex('dataDisks')]]" } }],
            names: "[variables('names')]",
            disks: "[variables('disks').list]",
          },
        }),
      ],
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    assert.deepEqual(gw.body(idOf('Microsoft.Test/widgets', 'w'))!.properties, {
      dataDisks: [
        { lun: 0, name: 'n0' },
        { lun: 1, name: 'n1' },
      ],
      names: ['n0', 'n1', 'n2'],
      disks: [{ lun: 0 }, { lun: 1 }],
    });
  });

  it('calls user-defined functions', async () => {
    const gw = new FakeGateway();
    const t = template({
      functions: [
        {
          namespace: 'contoso',
          members: {
            uniqueName: { parameters: [{ name: 'prefix', type: 'string' }], output: { type: 'string', value: "[concat(parameters('prefix'), '-', 'x')]" } },
          },
        },
      ],
      parameters: { prefix: { type: 'string', defaultValue: 'app' } },
      resources: [widget("[contoso.uniqueName(parameters('prefix'))]")],
      outputs: { name: { type: 'string', value: "[contoso.uniqueName('out')]" } },
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    assert.deepEqual(gw.puts(), [idOf('Microsoft.Test/widgets', 'app-x')]);
    assert.equal(r.outputs.name.value, 'out-x');
  });

  it('a failure mid-deployment: earlier resources stay, dependants never start, the deployment is Failed with details', async () => {
    const gw = new FakeGateway({
      putDelayMs: (id) => (id.endsWith('/sibling') ? 30 : 1),
      failPut: (id) => (id.endsWith('/bad') ? armError(400, 'InvalidResourceName', "Resource name 'bad' is invalid.") : undefined),
    });
    const ops: DeploymentOperation[] = [];
    const t = template({
      resources: [widget('first'), widget('bad', { dependsOn: ['first'] }), widget('sibling', { dependsOn: ['first'] }), widget('last', { dependsOn: ['bad'] }), widget('later', { dependsOn: ['sibling'] })],
      outputs: { o: { type: 'string', value: 'x' } },
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, { onOperation: (o) => void ops.push(o) });
    assert.equal(r.provisioningState, 'Failed');
    assert.deepEqual(r.error, {
      code: 'DeploymentFailed',
      message: DEPLOYMENT_FAILED_MESSAGE,
      details: [{ code: 'InvalidResourceName', message: "Resource name 'bad' is invalid." }],
    });
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['first', 'sibling'], 'the started sibling finishes; nothing new starts');
    assert.ok(gw.body(idOf('Microsoft.Test/widgets', 'first')), 'earlier resources stay');
    assert.deepEqual(r.outputs, {});
    const failed = ops.find((o) => o.properties.provisioningState === 'Failed')!;
    assert.equal(failed.properties.statusCode, 'BadRequest');
    assert.deepEqual(failed.properties.statusMessage, { status: 'Failed', error: { code: 'InvalidResourceName', message: "Resource name 'bad' is invalid." } });
    assert.equal(failed.properties.targetResource.resourceName, 'bad');
  });

  it('a reference() that fails at deploy time fails that resource', async () => {
    const gw = new FakeGateway();
    const t = template({ resources: [widget('w', { properties: { p: `[reference('${RG_ID}/providers/Microsoft.Test/widgets/missing', '2021-01-01').x]` } })] });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Failed');
    assert.equal(r.error?.details?.[0].code, 'ResourceNotFound');
    assert.match(r.error!.details![0].message, /The Resource 'Microsoft.Test\/widgets\/missing' under resource group 'rg1' was not found/);
  });

  it('Complete mode deletes group resources the template does not list (newest api-version); Incremental keeps them', async () => {
    const stale = idOf('Microsoft.Test/widgets', 'stale');
    const off = idOf('Microsoft.Test/widgets', 'off');
    const t = template({ resources: [widget('kept'), widget('off', { condition: false })] });
    const inc = new FakeGateway();
    inc.seed(stale, {});
    await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), inc, noHooks);
    assert.ok(inc.body(stale));

    const gw = new FakeGateway();
    gw.seed(stale, {});
    gw.seed(off, {});
    const versions: string[] = [];
    const orig = gw.delete.bind(gw);
    gw.delete = (id, v) => (versions.push(v), orig(id, v));
    const ops: DeploymentOperation[] = [];
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Complete' }, rgScope(), gw, { onOperation: (o) => void ops.push(o) });
    assert.equal(r.provisioningState, 'Succeeded');
    assert.equal(gw.body(stale), undefined);
    assert.ok(gw.body(off), 'a conditioned-out template resource is not deleted');
    assert.deepEqual(versions, ['2021-01-01']);
    assert.ok(ops.some((o) => o.properties.provisioningOperation === 'Delete' && o.properties.provisioningState === 'Succeeded'));
  });

  it('cancel: nothing new starts and the deployment is Canceled', async () => {
    const ac = new AbortController();
    const gw = new FakeGateway({ putDelayMs: 10 });
    const t = template({ resources: [widget('one'), widget('two', { dependsOn: ['one'] }), widget('three', { dependsOn: ['two'] })] });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, {
      signal: ac.signal,
      onOperation: (o) => {
        if (o.properties.provisioningState === 'Succeeded') ac.abort();
      },
    });
    assert.equal(r.provisioningState, 'Canceled');
    assert.deepEqual(gw.puts().map((p) => p.split('/').pop()), ['one']);
    assert.deepEqual(r.outputResources, []);
  });

  it('subscription scope: resource groups and subscription role assignments', async () => {
    const gw = new FakeGateway();
    const t = template({
      resources: [
        { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: 'newRg', location: "[deployment().location]" },
        {
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          name: "[guid(subscription().id, 'reader')]",
          properties: { principalId: '11111111-1111-1111-1111-111111111111', roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]" },
        },
      ],
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, subScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    const puts = gw.puts();
    assert.equal(puts[0], `/subscriptions/${SUB}/resourceGroups/newRg`);
    assert.match(puts[1], new RegExp(`^/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`));
    assert.equal(gw.body(puts[0])!.location, 'westus');
  });

  it('evaluates output copy, list*() and checks output types', async () => {
    const gw = new FakeGateway();
    const t = template({
      resources: [{ type: MI, apiVersion: '2023-01-31', name: 'id1', location: 'westus' }],
      outputs: {
        many: { type: 'array', copy: { count: 2, input: "[concat('o', copyIndex())]" } },
        assoc: { type: 'object', value: "[listAssociatedResources(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1'), '2023-01-31')]" },
      },
    });
    const r = await runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    assert.deepEqual(r.outputs.many, { type: 'Array', value: ['o0', 'o1'] });
    assert.equal((r.outputs.assoc.value as { action: string }).action, 'listAssociatedResources');

    const bad = template({ outputs: { n: { type: 'int', value: 'text' } } });
    const f = await runDeployment({ template: bad, parameters: {}, mode: 'Incremental' }, rgScope(), new FakeGateway(), noHooks);
    assert.equal(f.provisioningState, 'Failed');
    assert.equal(f.error?.code, 'DeploymentOutputEvaluationFailed');
    assert.match(f.error!.details![0].message, /Template output JToken type is not valid. Expected 'Integer'. Actual 'String'/);
  });

  it('refuses an invalid template before writing anything (validation runs first)', async () => {
    const gw = new FakeGateway();
    const t = template({ resources: [widget('a'), widget('b', { properties: { x: '[nope()]' } })] });
    await assert.rejects(runDeployment({ template: t, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks), TemplateError);
    assert.deepEqual(gw.puts(), []);
    const big = template({ variables: { v: 'x'.repeat(4 * 1024 * 1024) } });
    await assert.rejects(runDeployment({ template: big, parameters: {}, mode: 'Incremental' }, rgScope(), gw, noHooks), (e: unknown) => e instanceof TemplateError && e.code === 'DeploymentJobSizeExceeded');
  });

  it('a signal aborted before the start deploys nothing', async () => {
    const gw = new FakeGateway();
    const ac = new AbortController();
    ac.abort();
    const r = await runDeployment({ template: template({ resources: [widget('a')] }), parameters: {}, mode: 'Incremental' }, rgScope(), gw, { onOperation: () => undefined, signal: ac.signal });
    assert.equal(r.provisioningState, 'Canceled');
    assert.deepEqual(gw.puts(), []);
  });

  it('exposes resourceGroup(), subscription(), deployment() and environment() shaped as Azure’s', async () => {
    const gw = new FakeGateway();
    const t = template({
      parameters: { secret: { type: 'securestring' }, plain: { type: 'string' } },
      resources: [widget('w', { properties: { rg: '[resourceGroup()]', sub: '[subscription()]', dep: '[deployment()]', env: '[environment()]' } })],
    });
    const r = await runDeployment({ template: t, parameters: { secret: { value: 'hush' }, plain: { value: 'p' } }, mode: 'Incremental' }, rgScope(), gw, noHooks);
    assert.equal(r.provisioningState, 'Succeeded', JSON.stringify(r.error));
    const p = gw.body(idOf('Microsoft.Test/widgets', 'w'))!.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(p.rg, { id: RG_ID, name: 'rg1', type: 'Microsoft.Resources/resourceGroups', location: 'westus', tags: { team: 'a' }, properties: { provisioningState: 'Succeeded' } });
    assert.deepEqual(p.sub, { id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: '00000000-0000-0000-0000-0000000000aa', displayName: 'Amity subscription' });
    const dep = p.dep as { name: string; properties: { template: { contentVersion: string }; parameters: Record<string, unknown>; mode: string } };
    assert.equal(dep.name, 'dep1');
    assert.equal(dep.properties.template.contentVersion, '1.0.0.0');
    assert.equal(dep.properties.mode, 'Incremental');
    assert.deepEqual(dep.properties.parameters, { secret: { type: 'SecureString' }, plain: { type: 'String', value: 'p' } }, 'secure values are not shown');
    const env = p.env as { name: string; resourceManager: string; authentication: { loginEndpoint: string; audiences: string[] } };
    assert.equal(env.name, 'Amity');
    assert.equal(env.resourceManager, 'https://127.0.0.1:8443/');
    assert.equal(env.authentication.loginEndpoint, 'https://127.0.0.1:8443/');
    assert.ok(env.authentication.audiences.includes('https://management.azure.com/'));
  });

  it('an operations store that throws fails the resource instead of hanging the deployment', async () => {
    const gw = new FakeGateway();
    const r = await runDeployment({ template: template({ resources: [widget('a'), widget('b', { dependsOn: ['a'] })] }), parameters: {}, mode: 'Incremental' }, rgScope(), gw, {
      onOperation: () => {
        throw new Error('store down');
      },
    });
    assert.equal(r.provisioningState, 'Failed');
    assert.equal(r.error?.details?.[0].message, 'store down');
  });
});
