import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertArmError, forEachBackend, pathOfLink } from '../arm/helpers.js';
import type { TestServer } from '../support/server.js';
import { AUTHZ_API, createGroup, deploy, deploymentPath, identityVmTemplate, MSI_API, paramValues, SCHEMA, seedTemplate, VM_API } from './support.js';

// The scenario: a template that creates an identity, a federated credential, a VM using the identity and a
// role assignment for its principal, checked through REST afterwards; what-if on a changed copy; a failure midway;
// validate's refusals; secure parameters kept out of every output.

const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** POST whatIf, follow the Location until it answers 200; returns that final body. */
async function whatIf(s: TestServer, group: string, name: string, template: unknown, parameters: Record<string, unknown>): Promise<any> {
  const res = await s.arm('POST', deploymentPath(s, group, name, '/whatIf'), { properties: { template, parameters: paramValues(parameters), mode: 'Incremental' } });
  assert.equal(res.status, 202, res.text);
  assert.equal(res.headers['retry-after'], '1');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const poll = await s.arm('GET', pathOfLink(s, res.headers['location']));
    if (poll.status === 200) return poll.body;
    assert.equal(poll.status, 202, poll.text);
    if (Date.now() > deadline) throw new Error('what-if did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
}

await forEachBackend((server) => {
  test('identity + federated credential + VM with the identity + role assignment for its principal, then what-if on a changed copy', async () => {
    const s = server();
    await createGroup(s, 'dep-vm');
    const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/dep-vm`;
    const d = await deploy(s, 'dep-vm', 'stack', identityVmTemplate(), { identityName: 'app-id' });
    assert.equal(d.properties.provisioningState, 'Succeeded', JSON.stringify(d.properties.error));

    const identity = await s.arm('GET', `${rg}/providers/${UAMI}/app-id?api-version=${MSI_API}`);
    assert.equal(identity.status, 200, identity.text);
    assert.deepEqual(identity.body.tags, { purpose: 'deploy-test' });
    const principalId = identity.body.properties.principalId;
    assert.equal(d.properties.outputs.principalId.value, principalId);
    assert.equal(d.properties.outputs.clientId.value, identity.body.properties.clientId);

    const fic = await s.arm('GET', `${rg}/providers/${UAMI}/app-id/federatedIdentityCredentials/github?api-version=${MSI_API}`);
    assert.equal(fic.status, 200, fic.text);
    assert.equal(fic.body.properties.issuer, 'https://token.actions.githubusercontent.com');

    const vm = await s.arm('GET', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=${VM_API}`);
    assert.equal(vm.status, 200, vm.text);
    const assigned = Object.entries(vm.body.identity.userAssignedIdentities as Record<string, any>);
    assert.equal(assigned.length, 1);
    assert.equal(assigned[0][0].toLowerCase(), identity.body.id.toLowerCase());
    assert.equal(assigned[0][1].principalId, principalId);

    const roles = await s.arm('GET', `${rg}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ_API}&$filter=atScope()`);
    assert.equal(roles.status, 200, roles.text);
    const role = roles.body.value.find((r: any) => r.properties.principalId === principalId);
    assert.ok(role, `no role assignment for ${principalId}: ${roles.text}`);
    assert.match(role.properties.roleDefinitionId, /acdd72a7-3385-48ef-bd42-f606fba81ae7$/);
    assert.match(role.name, /^[0-9a-f-]{36}$/);

    // Every resource is in outputResources, and the dependencies name what waited for the identity.
    const outputs = d.properties.outputResources.map((r: any) => r.id.toLowerCase());
    for (const id of [identity.body.id, fic.body.id, vm.body.id, role.id]) assert.ok(outputs.includes(id.toLowerCase()), `${id} not in ${JSON.stringify(outputs)}`);
    assert.ok(d.properties.dependencies.some((x: any) => x.resourceType === 'Microsoft.Compute/virtualMachines'), JSON.stringify(d.properties.dependencies));

    // Deploying the same template again changes nothing and succeeds (Incremental, idempotent names).
    const again = await deploy(s, 'dep-vm', 'stack', identityVmTemplate(), { identityName: 'app-id' });
    assert.equal(again.properties.provisioningState, 'Succeeded', JSON.stringify(again.properties.error));

    // What-if on a changed copy: a changed tag, a new identity; nothing is written.
    const changed = identityVmTemplate();
    changed.resources[0].tags = { purpose: 'changed' };
    changed.resources.push({ type: UAMI, apiVersion: '2023-01-31', name: 'second-id', location: '[resourceGroup().location]' });
    const result = await whatIf(s, 'dep-vm', 'stack', changed, { identityName: 'app-id' });
    assert.equal(result.status, 'Succeeded', JSON.stringify(result));
    const byId = new Map<string, any>(result.properties.changes.map((c: any) => [c.resourceId.toLowerCase(), c]));
    const first = byId.get(identity.body.id.toLowerCase());
    assert.equal(first?.changeType, 'Modify', JSON.stringify(result.properties.changes));
    assert.ok(JSON.stringify(first.delta).includes('tags'), JSON.stringify(first.delta));
    assert.equal(byId.get(`${rg}/providers/${UAMI}/second-id`.toLowerCase())?.changeType, 'Create');
    const unchanged = await s.arm('GET', `${rg}/providers/${UAMI}/app-id?api-version=${MSI_API}`);
    assert.deepEqual(unchanged.body.tags, { purpose: 'deploy-test' });
    assert.equal((await s.arm('GET', `${rg}/providers/${UAMI}/second-id?api-version=${MSI_API}`)).status, 404);
  });

  test('a resource failing midway: Failed with the error and details, earlier resources kept, operations tell which', async () => {
    const s = server();
    await createGroup(s, 'dep-fail');
    const template = {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        { type: UAMI, apiVersion: '2023-01-31', name: 'kept', location: 'westus' },
        {
          type: `${UAMI}/federatedIdentityCredentials`,
          apiVersion: '2023-01-31',
          name: 'kept/bad',
          dependsOn: ['kept'],
          properties: { issuer: 'http://not-https.example', subject: 's', audiences: ['api://AzureADTokenExchange'] },
        },
        { type: UAMI, apiVersion: '2023-01-31', name: 'never', location: 'westus', dependsOn: ["[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', 'kept', 'bad')]"] },
      ],
    };
    const d = await deploy(s, 'dep-fail', 'fails', template);
    assert.equal(d.properties.provisioningState, 'Failed');
    assert.equal(d.properties.error.code, 'DeploymentFailed', JSON.stringify(d.properties.error));
    assert.ok(Array.isArray(d.properties.error.details) && d.properties.error.details.length > 0, JSON.stringify(d.properties.error));
    assert.ok(JSON.stringify(d.properties.error.details).includes('issuer') || JSON.stringify(d.properties.error.details).includes('Issuer'), JSON.stringify(d.properties.error));
    const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/dep-fail`;
    assert.equal((await s.arm('GET', `${rg}/providers/${UAMI}/kept?api-version=${MSI_API}`)).status, 200);
    assert.equal((await s.arm('GET', `${rg}/providers/${UAMI}/never?api-version=${MSI_API}`)).status, 404);
    const ops = await s.arm('GET', deploymentPath(s, 'dep-fail', 'fails', '/operations'));
    const failed = ops.body.value.filter((o: any) => o.properties.provisioningState === 'Failed');
    assert.equal(failed.length, 1, ops.text);
    assert.equal(failed[0].properties.targetResource.resourceName, 'kept/bad');
    // The filter sees it.
    const listed = await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/dep-fail/providers/Microsoft.Resources/deployments?api-version=2021-04-01&$filter=${encodeURIComponent("provisioningState eq 'Failed'")}`);
    assert.deepEqual(listed.body.value.map((x: any) => x.name), ['fails']);
  });

  test('validate refuses a syntax error, an unknown function, a missing parameter and a cycle with precise messages', async () => {
    const s = server();
    await createGroup(s, 'dep-validate');
    const validate = (template: unknown, parameters: Record<string, unknown> = {}) =>
      s.arm('POST', deploymentPath(s, 'dep-validate', 'v', '/validate'), { properties: { template, parameters: paramValues(parameters), mode: 'Incremental' } });
    const withName = (name: string) => ({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [{ type: UAMI, apiVersion: '2023-01-31', name, location: 'westus' }] });

    const syntax = await validate(withName("[concat('a', ]"));
    assertArmError(syntax, 400, 'InvalidTemplate');
    assert.match(syntax.body.error.message, /expression '\[concat\('a', \]' at location 'resources\[0\]\.name' is not valid/);

    const unknown = await validate(withName("[frobnicate('x')]"));
    assertArmError(unknown, 400, 'InvalidTemplate');
    assert.match(unknown.body.error.message, /at location 'resources\[0\]\.name'.*The template function 'frobnicate' is not valid/);

    const missing = await validate(seedTemplate());
    assertArmError(missing, 400, 'InvalidTemplate', /The value for the template parameter 'resourceName' .*is not provided/);

    const cycle = await validate({
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        { type: UAMI, apiVersion: '2023-01-31', name: 'a', location: 'westus', dependsOn: ['b'] },
        { type: UAMI, apiVersion: '2023-01-31', name: 'b', location: 'westus', dependsOn: ['a'] },
      ],
    });
    assertArmError(cycle, 400, 'InvalidTemplate');
    assert.match(cycle.body.error.message, /Circular dependency detected on resource: '\/subscriptions\/.*\/userAssignedIdentities\/[ab]'/);

    // Nothing was written by any of them, and a PUT refuses the same way, synchronously.
    assertArmError(await s.arm('GET', deploymentPath(s, 'dep-validate', 'v')), 404, 'DeploymentNotFound');
    const put = await s.arm('PUT', deploymentPath(s, 'dep-validate', 'v'), { properties: { template: withName("[frobnicate('x')]"), mode: 'Incremental' } });
    assertArmError(put, 400, 'InvalidTemplate');
  });

  test('secure parameters appear in no GET output, operation, error or activity-log event', async () => {
    const s = server();
    await createGroup(s, 'dep-secure');
    const secret = 'Sup3r-Secret-Value-4711';
    const template = {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { password: { type: 'securestring' }, plain: { type: 'string' } },
      resources: [
        { type: UAMI, apiVersion: '2023-01-31', name: "[parameters('plain')]", location: 'westus' },
        // A resource that fails with the secret in its message (the issuer is quoted back by the provider).
        {
          type: `${UAMI}/federatedIdentityCredentials`,
          apiVersion: '2023-01-31',
          name: "[format('{0}/cred', parameters('plain'))]",
          dependsOn: ["[parameters('plain')]"],
          properties: { issuer: "[parameters('password')]", subject: 's', audiences: ['api://AzureADTokenExchange'] },
        },
      ],
    };
    const d = await deploy(s, 'dep-secure', 'secure', template, { password: secret, plain: 'visible' });
    assert.equal(d.properties.provisioningState, 'Failed');
    assert.equal(d.properties.parameters.password.type.toLowerCase(), 'securestring');
    assert.equal(d.properties.parameters.password.value, undefined);
    assert.equal(d.properties.parameters.plain.value, 'visible');
    const texts = [
      JSON.stringify(d),
      (await s.arm('GET', deploymentPath(s, 'dep-secure', 'secure', '/operations'))).text,
      (await s.arm('GET', `/subscriptions/${s.subscriptionId}/resourcegroups/dep-secure/providers/Microsoft.Resources/deployments?api-version=2021-04-01`)).text,
    ];
    for (const t of texts) assert.ok(!t.includes(secret), `secret leaked: ${t}`);
    const events = await s.running.context.database.db.selectFrom('activity_log').selectAll().execute();
    assert.ok(events.length > 0);
    assert.ok(!JSON.stringify(events).includes(secret), 'secret in the activity log');
    // A validation error that would quote the value does not either.
    const bad = await s.arm('POST', deploymentPath(s, 'dep-secure', 'v', '/validate'), {
      properties: { template: { ...template, parameters: { password: { type: 'securestring', allowedValues: ['other-value'] }, plain: { type: 'string' } } }, parameters: paramValues({ password: secret, plain: 'x' }), mode: 'Incremental' },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.ok(!bad.text.includes(secret), bad.text);
  });
});
