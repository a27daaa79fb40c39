// Drives the server with the real, unmodified deployments client of the Azure SDK for JavaScript
// (@azure/arm-resourcesdeployments 2.0.0, api-version 2026-06-01, core-lro polling) and prints what it observed as
// one JSON line; sdk.test.ts asserts on it. A child process: Node reads NODE_EXTRA_CA_CERTS only at start-up.
//
// Env: AMITY_URL, AMITY_TENANT_ID, AMITY_SUBSCRIPTION_ID, AMITY_CLIENT_ID, AMITY_CLIENT_SECRET, AMITY_GROUP, AMITY_TEMPLATE.
import fs from 'node:fs';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { collect, credentialFor, env, MANAGEMENT_SCOPE, report, subscriptionId, url } from '../support/sdkScenarioEnv.js';

type PipelinePolicy = Parameters<DeploymentsClient['pipeline']['addPolicy']>[0];

const requests: string[] = [];
const recorder: PipelinePolicy = {
  name: 'amityDeploymentsRecorder',
  sendRequest: async (req, next) => {
    const res = await next(req);
    requests.push(`${req.method} ${new URL(req.url).pathname} ${res.status}`);
    return res;
  },
};

async function failure(fn: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name?: string; message?: string; statusCode?: number; code?: string };
    return { name: err.name, message: err.message, statusCode: err.statusCode, code: err.code };
  }
  return { succeeded: true };
}

async function main(): Promise<Record<string, unknown>> {
  const group = env('AMITY_GROUP');
  const template = JSON.parse(fs.readFileSync(env('AMITY_TEMPLATE'), 'utf8'));
  const client = new DeploymentsClient(credentialFor(env('AMITY_CLIENT_ID'), env('AMITY_CLIENT_SECRET')), subscriptionId, {
    endpoint: url,
    credentials: { scopes: [MANAGEMENT_SCOPE] },
  });
  client.pipeline.addPolicy(recorder);
  const body = (name: string) => ({ properties: { template, parameters: { resourceName: { value: name } }, mode: 'Incremental' as const } });

  const validated = await client.deployments.validate(group, 'sdk1', body('sdk-identity'));
  const created = await client.deployments.createOrUpdate(group, 'sdk1', body('sdk-identity'));
  const got = await client.deployments.get(group, 'sdk1');
  const exists = await client.deployments.checkExistence(group, 'sdk1');
  const listed = await collect(client.deployments.listByResourceGroup(group));
  const operations = await collect(client.deploymentOperations.list(group, 'sdk1'));
  const exported = await client.deployments.exportTemplate(group, 'sdk1');
  const whatIf = await client.deployments.whatIf(group, 'sdk1', body('sdk-other'));
  const cancel = await failure(() => client.deployments.cancel(group, 'sdk1'));
  // A template whose only resource is refused by its provider: the poller ends in failure.
  const failed = await failure(() =>
    client.deployments.createOrUpdate(group, 'sdk-bad', { properties: { template: { ...template, resources: [{ ...template.resources[0], location: 'nowhere' }] }, parameters: { resourceName: { value: 'bad' } }, mode: 'Incremental' } }),
  );
  const failedRecord = await client.deployments.get(group, 'sdk-bad');
  await client.deployments.delete(group, 'sdk1');
  const afterDelete = await failure(() => client.deployments.get(group, 'sdk1'));

  return {
    validated: { provisioningState: validated.properties?.provisioningState, validatedResources: validated.properties?.validatedResources?.map((r) => r.id) },
    created: { name: created.name, provisioningState: created.properties?.provisioningState, outputs: created.properties?.outputs, duration: created.properties?.duration },
    got: { id: got.id, provisioningState: got.properties?.provisioningState, outputResources: got.properties?.outputResources?.map((r) => r.id) },
    exists,
    listed: listed.map((d) => d.name),
    operations: operations.map((o) => ({ operationId: o.operationId, state: o.properties?.provisioningState, target: o.properties?.targetResource?.resourceName })),
    exported: exported.template,
    whatIf: { status: whatIf.status, changes: whatIf.changes?.map((c) => ({ resourceId: c.resourceId, changeType: c.changeType })) },
    cancel,
    failed,
    failedRecord: { provisioningState: failedRecord.properties?.provisioningState, error: failedRecord.properties?.error },
    afterDelete,
    requests,
  };
}

report(main, () => requests.join("\n"));
