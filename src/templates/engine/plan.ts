/**
 * Planning, shared by validate, run and what-if: template shape, parameters, functions, variables, resources
 * expanded and ordered. Nothing is written; reference() is refused until the caller switches the mode.
 */
import type { DeploymentInput, DeploymentScope, DisplayedParameters, ParameterValues, ResourceGateway } from './contract.js';
import { checkTemplate } from './template.js';
import { EngineContext } from './scope.js';
import { resolveParameters } from './parameters.js';
import { installVariables, evaluateAllVariables } from './variables.js';
import { installFunctions } from './functions.js';
import { expandResources, type Instance } from './resources.js';
import { ResourceIndex, buildGraph } from './graph.js';
import { templateHash } from './hash.js';

export { templateHash };

export interface Plan {
  ctx: EngineContext;
  instances: Instance[];
  index: ResourceIndex;
  parameters: DisplayedParameters;
  secretValues: string[];
  resolvedParameters: ParameterValues;
  templateHash: string;
}

export async function planDeployment(input: DeploymentInput, scope: DeploymentScope, gateway: ResourceGateway): Promise<Plan> {
  const template = checkTemplate(input.template);
  let displayed: DisplayedParameters = {};
  const ctx = new EngineContext(template, scope, gateway, input.mode ?? 'Incremental', () => displayed);
  installFunctions(ctx);
  const params = await resolveParameters(ctx, input.parameters ?? {});
  displayed = params.displayed;
  installVariables(ctx);
  await evaluateAllVariables(ctx);
  const instances = await expandResources(ctx);
  const index = new ResourceIndex(instances);
  ctx.resources = index;
  buildGraph(index);
  return { ctx, instances, index, parameters: displayed, secretValues: params.secretValues, resolvedParameters: params.values, templateHash: templateHash(template.raw) };
}
