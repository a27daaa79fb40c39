import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';
import { assertArmError, forEachBackend, pathOfLink } from '../arm/helpers.js';
import { createGroup, deploy, deploymentPath, MSI_API, paramValues, pollStatus, RG_API, SEED_TEMPLATE_PATH, seedTemplate } from './support.js';

// The deployments REST API (Microsoft.Resources/deployments) on both backends: the seed template end to end,
// the record's shape, list/filter/paging, operations, exportTemplate, delete, names, limits and request bodies.

const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

await forEachBackend((server) => {
  test('the seed template deploys with resourceName and returns outputs.identityName', async () => {
    const s = server();
    await createGroup(s, 'dep-seed');
    const put = await s.arm('PUT', deploymentPath(s, 'dep-seed', 'seed1'), { properties: { template: seedTemplate(), parameters: paramValues({ resourceName: 'seed-identity' }), mode: 'Incremental' } });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.body.type, 'Microsoft.Resources/deployments');
    assert.equal(put.body.name, 'seed1');
    assert.equal(put.body.id, `/subscriptions/${s.subscriptionId}/resourceGroups/dep-seed/providers/Microsoft.Resources/deployments/seed1`);
    assert.ok(['Accepted', 'Running'].includes(put.body.properties.provisioningState));
    assert.equal(put.headers['retry-after'], '1');
    const status = await pollStatus(s, put.headers['azure-asyncoperation']);
    assert.equal(status.status, 'Succeeded', JSON.stringify(status));

    const got = await s.arm('GET', deploymentPath(s, 'dep-seed', 'seed1'));
    assert.equal(got.status, 200, got.text);
    const p = got.body.properties;
    assert.equal(p.provisioningState, 'Succeeded');
    assert.deepEqual(p.outputs.identityName.value, 'seed-identity');
    assert.match(p.outputs.identityName.type, /^string$/i);
    assert.match(p.duration, /^PT(\d+H)?(\d+M)?[\d.]+S$/);
    assert.equal(p.mode, 'Incremental');
    assert.equal(typeof p.templateHash, 'string');
    assert.equal(typeof p.correlationId, 'string');
    assert.ok(!Number.isNaN(Date.parse(p.timestamp)));
    assert.equal(p.parameters.resourceName.value, 'seed-identity');
    const identityId = `/subscriptions/${s.subscriptionId}/resourceGroups/dep-seed/providers/${UAMI}/seed-identity`;
    assert.deepEqual(p.outputResources.map((r: any) => r.id.toLowerCase()), [identityId.toLowerCase()]);

    // The identity is a real one, made by the same handler as a REST PUT.
    const identity = await s.arm('GET', `${identityId}?api-version=${MSI_API}`);
    assert.equal(identity.status, 200, identity.text);
    assert.equal(identity.body.location, 'westus');
    assert.match(identity.body.properties.principalId, /^[0-9a-f-]{36}$/);

    // The Location URL ends with the deployment itself.
    const result = await s.arm('GET', pathOfLink(s, put.headers['location']));
    assert.equal(result.status, 200, result.text);
    assert.equal(result.body.properties.provisioningState, 'Succeeded');

    // HEAD, operations, exportTemplate.
    assert.equal((await s.arm('HEAD', deploymentPath(s, 'dep-seed', 'seed1'))).status, 204);
    assert.equal((await s.arm('HEAD', deploymentPath(s, 'dep-seed', 'nope'))).status, 404);
    const ops = await s.arm('GET', deploymentPath(s, 'dep-seed', 'seed1', '/operations'));
    assert.equal(ops.status, 200, ops.text);
    const op = ops.body.value.find((o: any) => o.properties.targetResource?.resourceName === 'seed-identity');
    assert.ok(op, ops.text);
    assert.equal(op.properties.provisioningState, 'Succeeded');
    assert.equal(op.id, `${put.body.id}/operations/${op.operationId}`);
    const one = await s.arm('GET', deploymentPath(s, 'dep-seed', 'seed1', `/operations/${op.operationId}`));
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.body, op);
    const exported = await s.arm('POST', deploymentPath(s, 'dep-seed', 'seed1', '/exportTemplate'));
    assert.equal(exported.status, 200, exported.text);
    assert.deepEqual(exported.body.template, seedTemplate());

    // Cancel a finished deployment: 409.
    assertArmError(await s.arm('POST', deploymentPath(s, 'dep-seed', 'seed1', '/cancel')), 409, 'DeploymentCannotBeCancelled');
  });

  test('list filters by provisioningState and pages with $top; DELETE removes the record, not the resources', async () => {
    const s = server();
    await createGroup(s, 'dep-list');
    for (const n of ['a', 'b', 'c']) {
      const d = await deploy(s, 'dep-list', `d-${n}`, seedTemplate(), { resourceName: `id-${n}` });
      assert.equal(d.properties.provisioningState, 'Succeeded', JSON.stringify(d));
    }
    const listPath = `/subscriptions/${s.subscriptionId}/resourcegroups/dep-list/providers/Microsoft.Resources/deployments/?api-version=${RG_API}`;
    const all = await s.arm('GET', listPath);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.value.map((d: any) => d.name), ['d-a', 'd-b', 'd-c']);

    const page1 = await s.arm('GET', `${listPath}&$top=2`);
    assert.equal(page1.body.value.length, 2);
    const page2 = await s.arm('GET', pathOfLink(s, page1.body.nextLink));
    assert.deepEqual(page2.body.value.map((d: any) => d.name), ['d-c']);
    assert.equal(page2.body.nextLink, undefined);

    const ok = await s.arm('GET', `${listPath}&$filter=${encodeURIComponent("provisioningState eq 'Succeeded'")}`);
    assert.equal(ok.body.value.length, 3);
    const failed = await s.arm('GET', `${listPath}&$filter=${encodeURIComponent("provisioningState eq 'Failed'")}`);
    assert.deepEqual(failed.body.value, []);
    assertArmError(await s.arm('GET', `${listPath}&$filter=${encodeURIComponent("name eq 'x'")}`), 400, 'InvalidFilter');

    const del = await s.arm('DELETE', deploymentPath(s, 'dep-list', 'd-a'));
    assert.equal(del.status, 204, del.text);
    assertArmError(await s.arm('GET', deploymentPath(s, 'dep-list', 'd-a')), 404, 'DeploymentNotFound');
    assert.equal((await s.arm('DELETE', deploymentPath(s, 'dep-list', 'd-a'))).status, 204);
    const identity = await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourceGroups/dep-list/providers/${UAMI}/id-a?api-version=${MSI_API}`);
    assert.equal(identity.status, 200, 'deleting a deployment must leave its resources');

    // Deleting the group takes its deployment history along.
    const gone = await s.arm('DELETE', `/subscriptions/${s.subscriptionId}/resourcegroups/dep-list?api-version=${RG_API}`);
    assert.ok(gone.status === 200 || gone.status === 202, gone.text);
    await createGroup(s, 'dep-list');
    const after = await s.arm('GET', listPath);
    assert.deepEqual(after.body.value, []);
  });

  test('names, quota, an active deployment, bodies: JSONC with an unquoted template key, linked templates refused', async () => {
    const s = server();
    await createGroup(s, 'dep-rules');
    const body = { properties: { template: seedTemplate(), parameters: paramValues({ resourceName: 'r1' }), mode: 'Incremental' } };
    assertArmError(await s.arm('PUT', deploymentPath(s, 'dep-rules', 'x'.repeat(65)), body), 400, 'DeploymentNameLengthLimitExceeded');
    assertArmError(await s.arm('PUT', deploymentPath(s, 'dep-rules', 'bad%21name'), body), 400, 'DeploymentNameInvalidCharacters');
    assertArmError(await s.arm('POST', deploymentPath(s, 'dep-rules', 'bad%21name', '/validate'), body), 400, 'DeploymentNameInvalidCharacters');

    // az's body: the raw template file spliced in after an unquoted `template:` key, comments included.
    const raw = fs.readFileSync(SEED_TEMPLATE_PATH, 'utf8');
    const jsonc = `{"properties": {"parameters": {"resourceName": {"value": "jsonc-id"}}, "mode": "Incremental", template:// the seed\n${raw}}}`;
    const validated = await s.arm('POST', deploymentPath(s, 'dep-rules', 'jsonc', '/validate', RG_API), jsonc);
    assert.equal(validated.status, 200, validated.text);
    assert.equal(validated.body.properties.provisioningState, 'Succeeded');
    assert.deepEqual(validated.body.properties.validatedResources.map((r: any) => r.id.toLowerCase()), [`/subscriptions/${s.subscriptionId}/resourcegroups/dep-rules/providers/${UAMI}/jsonc-id`.toLowerCase()]);
    const put = await s.arm('PUT', deploymentPath(s, 'dep-rules', 'jsonc', '', RG_API), jsonc);
    assert.equal(put.status, 201, put.text);
    await pollStatus(s, put.headers['azure-asyncoperation']);
    // Other routes stay strict JSON.
    assertArmError(await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/dep-rules2?api-version=${RG_API}`, '{location: "westus"}'), 400, 'InvalidRequestContent');
    // Neither JSON nor JSONC.
    assertArmError(await s.arm('PUT', deploymentPath(s, 'dep-rules', 'broken'), '{"properties": {'), 400, 'InvalidRequestContent');

    assertArmError(
      await s.arm('PUT', deploymentPath(s, 'dep-rules', 'linked'), { properties: { templateLink: { uri: 'https://example.com/t.json' }, mode: 'Incremental' } }),
      400,
      'InvalidContentLink',
      /no internet access/,
    );

    // 800 deployments per group.
    const db = s.running.context.database.db;
    const now = new Date().toISOString();
    const base = `/subscriptions/${s.subscriptionId}/resourceGroups/dep-quota/providers/Microsoft.Resources/deployments/`;
    await createGroup(s, 'dep-quota');
    const rows = Array.from({ length: 800 }, (_, i) => ({
      key: `${base}f${i}`.toLowerCase(), id: `${base}f${i}`, subscription_id: s.subscriptionId.toLowerCase(), resource_group: 'dep-quota', name: `f${i}`, location: null, tags: '{}',
      provisioning_state: 'Succeeded', properties: '{}', template: '{}', created_at: now, changed_at: now, created_by: 'test',
    }));
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('deployments').values(rows.slice(i, i + 200)).execute();
    assertArmError(await s.arm('PUT', deploymentPath(s, 'dep-quota', 'one-more'), body), 400, 'DeploymentQuotaExceeded');

    // A deployment still running with the same name.
    await db.insertInto('deployments').values({ ...rows[0], key: `${base.replace('dep-quota', 'dep-rules')}busy`.toLowerCase(), id: `${base.replace('dep-quota', 'dep-rules')}busy`, resource_group: 'dep-rules', name: 'busy', provisioning_state: 'Running' }).execute();
    await db.insertInto('deployment_jobs').values({ id: crypto.randomUUID(), deployment_key: `${base.replace('dep-quota', 'dep-rules')}busy`.toLowerCase(), kind: 'deploy', status: 'Running', result: null, created_at: now, changed_at: new Date(Date.now() + 60_000).toISOString() }).execute();
    assertArmError(await s.arm('PUT', deploymentPath(s, 'dep-rules', 'busy'), body), 409, 'DeploymentActive');
    assertArmError(await s.arm('DELETE', deploymentPath(s, 'dep-rules', 'busy')), 409, 'DeploymentActive');
  });

  test('cancel stops a running deployment: 204, then Canceled with the resources already made kept', async () => {
    const s = server();
    await createGroup(s, 'dep-cancel');
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [{ type: UAMI, apiVersion: '2023-01-31', name: "[format('many-{0}', copyIndex())]", location: 'westus', copy: { name: 'many', count: 300, mode: 'Serial', batchSize: 1 } }],
    };
    const put = await s.arm('PUT', deploymentPath(s, 'dep-cancel', 'long'), { properties: { template, mode: 'Incremental' } });
    assert.equal(put.status, 201, put.text);
    const cancel = await s.arm('POST', deploymentPath(s, 'dep-cancel', 'long', '/cancel'));
    assert.equal(cancel.status, 204, cancel.text);
    const status = await pollStatus(s, put.headers['azure-asyncoperation']);
    assert.equal(status.status, 'Canceled', JSON.stringify(status));
    const got = await s.arm('GET', deploymentPath(s, 'dep-cancel', 'long'));
    assert.equal(got.body.properties.provisioningState, 'Canceled');
    const made = await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourceGroups/dep-cancel/providers/${UAMI}?api-version=${MSI_API}&$top=1000`);
    assert.ok(made.body.value.length < 300, `all ${made.body.value.length} identities were made`);
    assertArmError(await s.arm('POST', deploymentPath(s, 'dep-cancel', 'long', '/cancel')), 409, 'DeploymentCannotBeCancelled');
  });

  test('a deployment left Running by a stopped node is failed once its heartbeat is stale', async () => {
    const s = server();
    await createGroup(s, 'dep-stale');
    const db = s.running.context.database.db;
    const id = `/subscriptions/${s.subscriptionId}/resourceGroups/dep-stale/providers/Microsoft.Resources/deployments/orphan`;
    const old = new Date(Date.now() - 120_000).toISOString();
    const props = { provisioningState: 'Running', correlationId: 'c', timestamp: old, duration: 'PT0S', dependencies: [], providers: [], parameters: {}, mode: 'Incremental', templateHash: 'h' };
    await db.insertInto('deployments').values({ key: id.toLowerCase(), id, subscription_id: s.subscriptionId.toLowerCase(), resource_group: 'dep-stale', name: 'orphan', location: null, tags: '{}', provisioning_state: 'Running', properties: JSON.stringify(props), template: '{}', created_at: old, changed_at: old, created_by: 'test' }).execute();
    const jobId = crypto.randomUUID();
    await db.insertInto('deployment_jobs').values({ id: jobId, deployment_key: id.toLowerCase(), kind: 'deploy', status: 'Running', result: null, created_at: old, changed_at: old }).execute();
    const status = await s.arm('GET', `${id}/operationStatuses/${jobId}?api-version=${RG_API}`);
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.status, 'Failed');
    assert.equal(status.body.error.code, 'DeploymentInterrupted');
    const got = await s.arm('GET', `${id}?api-version=${RG_API}`);
    assert.equal(got.body.properties.provisioningState, 'Failed');
    assert.equal(got.body.properties.error.code, 'DeploymentInterrupted');
  });

  test('subscription scope: location required; a resource group deployed with a template', async () => {
    const s = server();
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { rgName: { type: 'string' } },
      resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2022-09-01', name: "[parameters('rgName')]", location: 'eastus', properties: {} }],
      outputs: { rgId: { type: 'string', value: "[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('rgName'))]" } },
    };
    assertArmError(await s.arm('PUT', deploymentPath(s, undefined, 'sub1'), { properties: { template, parameters: paramValues({ rgName: 'from-sub' }), mode: 'Incremental' } }), 400, 'LocationRequired');
    const d = await deploy(s, undefined, 'sub1', template, { rgName: 'from-sub' }, { location: 'eastus' });
    assert.equal(d.properties.provisioningState, 'Succeeded', JSON.stringify(d.properties.error));
    assert.equal(d.location, 'eastus');
    assert.equal(d.id, `/subscriptions/${s.subscriptionId}/providers/Microsoft.Resources/deployments/sub1`);
    const rg = await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/from-sub?api-version=${RG_API}`);
    assert.equal(rg.status, 200, rg.text);
    const list = await s.arm('GET', `/subscriptions/${s.subscriptionId}/providers/Microsoft.Resources/deployments?api-version=${RG_API}`);
    assert.deepEqual(list.body.value.map((x: any) => x.name), ['sub1']);
  });
});
