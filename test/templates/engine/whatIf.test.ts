import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runDeployment, whatIf } from '../../../src/templates/engine/index.js';
import type { DeploymentMode } from '../../../src/templates/engine/contract.js';
import { FakeGateway, RG_ID, noHooks, rgScope, template } from './fakeGateway.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const MI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const identityId = (name: string): string => `${RG_ID}/providers/${MI}/${name}`;
const identityTemplate = (tags: Record<string, string>, location = 'westus') =>
  template({ resources: [{ type: MI, apiVersion: '2023-01-31', name: 'id1', location, tags, properties: {} }] });
const run = (gw: FakeGateway, t: unknown, mode: DeploymentMode = 'Incremental') => runDeployment({ template: t, parameters: {}, mode }, rgScope(), gw, noHooks);
const plan = (gw: FakeGateway, t: unknown, mode: DeploymentMode = 'Incremental') => whatIf({ template: t, parameters: {}, mode }, rgScope(), gw);

describe('whatIf', () => {
  it('Create for a resource that does not exist, with the after state', async () => {
    const gw = new FakeGateway();
    const { changes } = await plan(gw, identityTemplate({ env: 'dev' }));
    assert.deepEqual(changes, [
      {
        resourceId: identityId('id1'),
        changeType: 'Create',
        after: { id: identityId('id1'), name: 'id1', type: MI, apiVersion: '2023-01-31', location: 'westus', tags: { env: 'dev' }, properties: {} },
      },
    ]);
    assert.equal(gw.puts().length, 0, 'what-if writes nothing');
  });

  it('NoChange after a deployment, ignoring server-set principalId/clientId/tenantId and location spelling', async () => {
    const gw = new FakeGateway();
    await run(gw, identityTemplate({ env: 'dev' }));
    const { changes } = await plan(gw, identityTemplate({ env: 'dev' }, 'West US'));
    assert.equal(changes.length, 1);
    assert.equal(changes[0].changeType, 'NoChange');
    assert.ok(changes[0].before && changes[0].after);
  });

  it('Modify with Azure-style deltas: tags.env changed, tags.old deleted, properties member created', async () => {
    const gw = new FakeGateway();
    await run(gw, identityTemplate({ env: 'dev', old: 'x' }));
    const changed = template({ resources: [{ type: MI, apiVersion: '2023-01-31', name: 'id1', location: 'westus', tags: { env: 'prod' }, properties: { isolationScope: 'Regional' } }] });
    const { changes } = await plan(gw, changed);
    assert.equal(changes[0].changeType, 'Modify');
    assert.deepEqual(changes[0].delta, [
      { path: 'properties.isolationScope', propertyChangeType: 'Create', after: 'Regional' },
      { path: 'tags.env', propertyChangeType: 'Modify', before: 'dev', after: 'prod' },
      { path: 'tags.old', propertyChangeType: 'Delete', before: 'x' },
    ]);
  });

  it('reports array changes with indexed children', async () => {
    const gw = new FakeGateway();
    const fic = (audiences: string[]) =>
      template({
        resources: [
          { type: MI, apiVersion: '2023-01-31', name: 'id1', location: 'westus' },
          { type: `${MI}/federatedIdentityCredentials`, apiVersion: '2023-01-31', name: 'id1/f', dependsOn: ['id1'], properties: { issuer: 'https://i', subject: 's', audiences } },
        ],
      });
    await run(gw, fic(['a']));
    const { changes } = await plan(gw, fic(['a', 'b']));
    const modify = changes.find((c) => c.changeType === 'Modify')!;
    assert.deepEqual(modify.delta, [
      { path: 'properties.audiences', propertyChangeType: 'Array', before: ['a'], after: ['a', 'b'], children: [{ path: '1', propertyChangeType: 'Create', after: 'b' }] },
    ]);
  });

  it('Complete mode: Delete for unlisted group resources; Incremental: Ignore', async () => {
    const gw = new FakeGateway();
    gw.seed(identityId('stale'), { location: 'westus' });
    const complete = await plan(gw, identityTemplate({}), 'Complete');
    assert.deepEqual(
      complete.changes.map((c) => [c.resourceId.split('/').pop(), c.changeType]),
      [
        ['id1', 'Create'],
        ['stale', 'Delete'],
      ],
    );
    assert.equal((complete.changes[1].before as { location: string }).location, 'westus');
    const incremental = await plan(gw, identityTemplate({}), 'Incremental');
    assert.deepEqual(incremental.changes[1], { resourceId: identityId('stale'), changeType: 'Ignore' });
  });

  it('keeps reference() of a not-yet-deployed resource as its expression text, and skips disabled resources', async () => {
    const gw = new FakeGateway();
    const t = fixture('identityStack.json') as { resources: Record<string, unknown>[] };
    const { changes } = await plan(gw, t);
    assert.deepEqual(
      changes.map((c) => c.changeType),
      ['Create', 'Create', 'Create', 'Create'],
    );
    const ra = changes.find((c) => c.resourceId.includes('roleAssignments'))!;
    assert.equal((ra.after as { properties: { principalId: string } }).properties.principalId, "[reference(variables('identityId'), '2023-01-31').principalId]");

    const off = template({ resources: [{ type: MI, apiVersion: '2023-01-31', name: 'off', location: 'westus', condition: false }] });
    assert.deepEqual((await plan(new FakeGateway(), off)).changes, []);
  });

  it('a what-if on a changed copy of the identity stack after deploying it', async () => {
    const gw = new FakeGateway();
    const first = await run(gw, fixture('identityStack.json'));
    assert.equal(first.provisioningState, 'Succeeded');
    const changed = fixture('identityStack.json') as { resources: Record<string, unknown>[] };
    changed.resources[0].tags = { env: 'prod' };
    const { changes } = await plan(gw, changed);
    const byType = Object.fromEntries(changes.map((c) => [c.resourceId.split('/').slice(-2, -1)[0], c]));
    assert.equal(byType.userAssignedIdentities.changeType, 'Modify');
    assert.deepEqual(byType.userAssignedIdentities.delta, [{ path: 'tags.env', propertyChangeType: 'Modify', before: 'test', after: 'prod' }]);
    assert.equal(byType.federatedIdentityCredentials.changeType, 'NoChange');
    assert.equal(byType.virtualMachines.changeType, 'NoChange');
    assert.equal(byType.roleAssignments.changeType, 'Modify', 'principalId stays an unevaluated reference, as Azure shows it');
  });
});
