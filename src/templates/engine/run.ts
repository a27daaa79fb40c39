/**
 * Running a deployment: resources in dependency order, independent ones concurrently (at most CONCURRENCY at
 * once), each body evaluated only when its turn comes (so reference() sees what earlier resources became) and
 * PUT through the gateway. After the first failure or a cancel nothing new starts; what is running finishes.
 */
import type { ArmErrorBody, DeploymentInput, DeploymentResult, DeploymentScope, ResourceGateway, RunHooks } from './contract.js';
import { planDeployment, type Plan } from './plan.js';
import { checkPlan } from './validate.js';
import { enabledDependencies } from './graph.js';
import { bodyOf, type Instance } from './resources.js';
import { evaluateTree } from './walk.js';
import { OperationTracker, toArmError } from './operations.js';
import { evaluateOutputs } from './outputs.js';
import { deleteUnlisted } from './complete.js';
import { describeDependencies, describeProviders } from './report.js';

export const CONCURRENCY = 8;

export const DEPLOYMENT_FAILED_MESSAGE =
  'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.';

export async function runDeployment(input: DeploymentInput, scope: DeploymentScope, gateway: ResourceGateway, hooks: RunHooks): Promise<DeploymentResult> {
  // Validation failures throw (TemplateError) before anything is written, as Azure refuses the PUT.
  const plan = await planDeployment(input, scope, gateway);
  await checkPlan(plan);
  plan.ctx.referenceMode = 'run';
  const locations = new Map<Instance, string>();
  const failures = await deployAll(plan, gateway, hooks, locations);
  const result = (state: DeploymentResult['provisioningState'], error?: ArmErrorBody, outputs: DeploymentResult['outputs'] = {}): DeploymentResult => ({
    provisioningState: state,
    outputs,
    outputResources: plan.instances.filter((r) => r.enabled && state === 'Succeeded').map((r) => ({ id: r.id })),
    ...(error ? { error } : {}),
    dependencies: describeDependencies(plan.instances),
    providers: describeProviders(plan.instances, locations),
  });

  if (failures.length) return result('Failed', deploymentFailed(failures));
  if (hooks.signal?.aborted) return result('Canceled');
  if (input.mode === 'Complete' && scope.resourceGroup) {
    const deleteFailures = await deleteUnlisted(plan, gateway, hooks);
    if (deleteFailures.length) return result('Failed', deploymentFailed(deleteFailures));
    if (hooks.signal?.aborted) return result('Canceled');
  }
  try {
    return result('Succeeded', undefined, await evaluateOutputs(plan.ctx));
  } catch (e) {
    const { error } = toArmError(e);
    return result('Failed', error);
  }
}

function deploymentFailed(failures: ArmErrorBody[]): ArmErrorBody {
  return { code: 'DeploymentFailed', message: DEPLOYMENT_FAILED_MESSAGE, details: failures };
}

/** Schedules every enabled resource; resolves with the errors of the resources that failed. */
function deployAll(plan: Plan, gateway: ResourceGateway, hooks: RunHooks, locations: Map<Instance, string>): Promise<ArmErrorBody[]> {
  const todo = plan.instances.filter((r) => r.enabled);
  const done = new Set<Instance>();
  const started = new Set<Instance>();
  const failures: ArmErrorBody[] = [];
  let running = 0;

  return new Promise((resolve) => {
    const pump = (): void => {
      const stopped = failures.length > 0 || hooks.signal?.aborted === true;
      if (!stopped) {
        for (const r of todo) {
          if (running >= CONCURRENCY) break;
          if (started.has(r) || !enabledDependencies(r).every((d) => done.has(d))) continue;
          started.add(r);
          running++;
          deployOne(plan, r, gateway, hooks, locations)
            .then(
              (failure) => {
                if (failure) failures.push(failure);
                else done.add(r);
              },
              (e: unknown) => failures.push(toArmError(e).error),
            )
            .finally(() => {
              running--;
              pump();
            });
        }
      }
      if (running === 0) resolve(failures);
    };
    pump();
  });
}

async function deployOne(plan: Plan, r: Instance, gateway: ResourceGateway, hooks: RunHooks, locations: Map<Instance, string>): Promise<ArmErrorBody | undefined> {
  const op = new OperationTracker((o) => hooks.onOperation(o), 'Create', r);
  try {
    await op.running();
    const body = (await evaluateTree(bodyOf(r.raw), r.scope, r.path)) as Record<string, unknown>;
    if (typeof body.location === 'string') locations.set(r, body.location);
    const res = await gateway.put(r.id, r.apiVersion, body);
    await op.succeeded(res.status);
    return undefined;
  } catch (e) {
    const { status, error } = toArmError(e);
    // A failing operations store must not hide the resource's own error.
    await (async () => op.failed(status, error))().catch(() => undefined);
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
}
