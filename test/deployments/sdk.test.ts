import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runScenario, scenarioEnv } from '../support/sdkChild.js';
import { startTestServer } from '../support/server.js';
import { createGroup, SEED_TEMPLATE_PATH, seedTemplate } from './support.js';

const scenario = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sdkScenario.ts');

test('the JS SDK deployments client (@azure/arm-resourcesdeployments, LRO polling) works unmodified', async (t) => {
  const s = await startTestServer();
  let r: any;
  try {
    await createGroup(s, 'sdk-dep');
    r = await runScenario(scenario, scenarioEnv(s, { AMITY_GROUP: 'sdk-dep', AMITY_TEMPLATE: SEED_TEMPLATE_PATH }));
  } finally {
    await s.close();
  }
  const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/sdk-dep`;

  await t.test('validate, then createOrUpdate polls Azure-AsyncOperation and returns the final GET', () => {
    assert.equal(r.validated.provisioningState, 'Succeeded');
    assert.deepEqual(r.validated.validatedResources.map((id: string) => id.toLowerCase()), [`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sdk-identity`.toLowerCase()]);
    assert.equal(r.created.provisioningState, 'Succeeded');
    assert.equal(r.created.outputs.identityName.value, 'sdk-identity');
    assert.match(r.created.duration, /^PT/);
    const put = r.requests.findIndex((x: string) => x.startsWith('PUT ') && x.endsWith('/deployments/sdk1 201'));
    assert.ok(put >= 0, r.requests.join('\n'));
    assert.ok(r.requests.slice(put).some((x: string) => /\/deployments\/sdk1\/operationStatuses\/[0-9a-f-]+ 200$/.test(x)), r.requests.join('\n'));
  });

  await t.test('get, checkExistence, list, operations, exportTemplate', () => {
    assert.equal(r.got.provisioningState, 'Succeeded');
    assert.equal(r.got.id, `${rg}/providers/Microsoft.Resources/deployments/sdk1`);
    assert.deepEqual(r.exists, { body: true });
    assert.deepEqual(r.listed, ['sdk1']);
    assert.ok(r.operations.some((o: any) => o.target === 'sdk-identity' && o.state === 'Succeeded'), JSON.stringify(r.operations));
    assert.deepEqual(r.exported, seedTemplate());
  });

  await t.test('whatIf polls its Location and returns the changes', () => {
    assert.equal(r.whatIf.status, 'Succeeded');
    assert.ok(r.whatIf.changes.some((c: any) => c.resourceId.endsWith('/sdk-other') && c.changeType === 'Create'), JSON.stringify(r.whatIf));
  });

  await t.test('cancel of a finished deployment is a 409; a failing deployment makes the poller throw; delete', () => {
    assert.equal(r.cancel.statusCode, 409);
    assert.equal(r.cancel.code, 'DeploymentCannotBeCancelled');
    assert.equal(r.failed.succeeded, undefined, JSON.stringify(r.failed));
    assert.match(String(r.failed.message), /DeploymentFailed|failed/i);
    assert.equal(r.failedRecord.provisioningState, 'Failed');
    assert.equal(r.failedRecord.error.code, 'DeploymentFailed');
    assert.equal(r.afterDelete.statusCode, 404);
  });
});
