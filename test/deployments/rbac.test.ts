import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertArmError } from '../arm/helpers.js';
import { assign, createServicePrincipal, type TestPrincipal } from '../rbac/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createGroup, deploy, deploymentPath, paramValues, SCHEMA } from './support.js';

// A deployment acts as its deployer: Microsoft.Resources/deployments/write to PUT it, then each resource's own action,
// checked by the same dispatch as a REST call, recorded in the activity log under the deployment's correlation id.

const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
let s: TestServer;
let contributor: TestPrincipal;
let reader: TestPrincipal;
const rg = () => `/subscriptions/${s.subscriptionId}/resourceGroups/dep-rbac`;

before(async () => {
  s = await startTestServer();
  await createGroup(s, 'dep-rbac');
  contributor = await createServicePrincipal(s, 'mi-contributor');
  reader = await createServicePrincipal(s, 'reader');
  await assign(s, contributor.objectId, 'Managed Identity Contributor', rg());
  await assign(s, reader.objectId, 'Reader', rg());
});
after(async () => {
  await s?.close();
});

const template = {
  $schema: SCHEMA,
  contentVersion: '1.0.0.0',
  resources: [
    { type: UAMI, apiVersion: '2023-01-31', name: 'rbac-id', location: 'westus' },
    {
      type: 'Microsoft.Authorization/roleAssignments',
      apiVersion: '2022-04-01',
      name: "[guid(resourceGroup().id, 'rbac-id', 'reader')]",
      dependsOn: ['rbac-id'],
      properties: {
        roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
        principalId: "[reference('rbac-id').principalId]",
        principalType: 'ServicePrincipal',
      },
    },
  ],
};

test('Managed Identity Contributor deploys the identity but the role assignment fails with AuthorizationFailed', async () => {
  const d = await deploy(s, 'dep-rbac', 'as-mic', template, {}, { caller: contributor });
  assert.equal(d.properties.provisioningState, 'Failed', JSON.stringify(d.properties));
  const text = JSON.stringify(d.properties.error);
  assert.match(text, /AuthorizationFailed/);
  assert.match(text, /Microsoft\.Authorization\/roleAssignments\/write/);
  const identity = await s.arm('GET', `${rg()}/providers/${UAMI}/rbac-id?api-version=2023-01-31`);
  assert.equal(identity.status, 200, 'the identity deployed before the failure stays');
  const roles = await s.arm('GET', `${rg()}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`);
  assert.ok(!roles.body.value.some((r: any) => r.properties.principalId === identity.body.properties.principalId), 'no role assignment was made');

  // The identity's write is in the activity log as the contributor's, under the deployment's correlation id.
  const events = await s.running.context.database.db.selectFrom('activity_log').selectAll().where('correlation_id', '=', d.properties.correlationId).execute();
  const write = events.find((e) => e.operation === `${UAMI}/write` && e.status === 'Succeeded');
  assert.ok(write, JSON.stringify(events));
  assert.equal(write.caller_object_id, contributor.objectId);
  const denied = events.find((e) => e.operation === 'Microsoft.Authorization/roleAssignments/write');
  assert.equal(denied?.status, 'Failed', JSON.stringify(events));
});

test('a Reader cannot PUT a deployment (deployments/write), nor an anonymous caller', async () => {
  const body = { properties: { template, parameters: paramValues({}), mode: 'Incremental' } };
  const res = await reader.arm('PUT', deploymentPath(s, 'dep-rbac', 'as-reader'), body);
  assertArmError(res, 403, 'AuthorizationFailed', /Microsoft\.Resources\/deployments\/write/);
  const anon = await s.raw('PUT', deploymentPath(s, 'dep-rbac', 'anon'), { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(anon.status, 401);
  // The reader can still read the history.
  const list = await reader.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/dep-rbac/providers/Microsoft.Resources/deployments?api-version=2021-04-01`);
  assert.equal(list.status, 200, list.text);
});
