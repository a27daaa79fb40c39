/**
 * Validation: the full plan, plus every enabled resource body and output evaluated once with reference()/list*()
 * deferred, so an unknown function or a bad expression anywhere is refused before anything is written.
 */
import type { DeploymentInput, DeploymentScope, ResourceGateway, ValidatedDeployment } from './contract.js';
import { planDeployment, type Plan } from './plan.js';
import { bodyOf } from './resources.js';
import { evaluateTree } from './walk.js';
import { evaluateOutputs } from './outputs.js';
import { checkExpressions } from './staticCheck.js';

/** Everything validate checks beyond planning; run and what-if call it too, so they refuse exactly what validate refuses. */
export async function checkPlan(plan: Plan): Promise<void> {
  checkExpressions(plan.ctx.template);
  const mode = plan.ctx.referenceMode;
  plan.ctx.referenceMode = 'validate';
  try {
    for (const r of plan.instances) if (r.enabled) await evaluateTree(bodyOf(r.raw), r.scope, r.path, { keepDeferred: true });
    await evaluateOutputs(plan.ctx, { keepDeferred: true });
  } finally {
    plan.ctx.referenceMode = mode;
  }
}

export async function validateDeployment(input: DeploymentInput, scope: DeploymentScope, gateway: ResourceGateway): Promise<ValidatedDeployment> {
  const plan = await planDeployment(input, scope, gateway);
  await checkPlan(plan);
  return {
    resources: plan.instances.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      apiVersion: r.apiVersion,
      dependsOn: r.dependsOn.map((d) => d.id),
      enabled: r.enabled,
    })),
    parameters: plan.parameters,
    templateHash: plan.templateHash,
    secretValues: plan.secretValues,
    resolvedParameters: plan.resolvedParameters,
  };
}
