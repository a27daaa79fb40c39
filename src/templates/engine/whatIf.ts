/**
 * What-if: each planned, enabled resource evaluated as it would be deployed and compared with its current
 * state. Values that only exist after deployment (reference() of a template resource) stay as their expression
 * text, as Azure shows them. Complete mode adds Delete for the group's unlisted resources; Incremental lists
 * them as Ignore.
 */
import type { DeploymentInput, DeploymentScope, ResourceGateway, WhatIfChange } from './contract.js';
import { planDeployment } from './plan.js';
import { checkPlan } from './validate.js';
import { bodyOf } from './resources.js';
import { evaluateTree } from './walk.js';
import { computeDelta } from './delta.js';
import { unlistedResources } from './complete.js';

export async function whatIf(input: DeploymentInput, scope: DeploymentScope, gateway: ResourceGateway): Promise<{ changes: WhatIfChange[] }> {
  const plan = await planDeployment(input, scope, gateway);
  await checkPlan(plan);
  plan.ctx.referenceMode = 'whatIf';
  const changes: WhatIfChange[] = [];
  for (const r of plan.instances) {
    if (!r.enabled) continue;
    const body = (await evaluateTree(bodyOf(r.raw), r.scope, r.path, { keepDeferred: true })) as Record<string, unknown>;
    const after = { id: r.id, name: r.name.split('/').pop(), type: r.type, apiVersion: r.apiVersion, ...body };
    const current = await gateway.get(r.id, r.apiVersion);
    if (current.status === 404 || current.body === undefined) {
      changes.push({ resourceId: r.id, changeType: 'Create', after });
      continue;
    }
    const before = { apiVersion: r.apiVersion, ...(current.body as Record<string, unknown>) };
    const delta = computeDelta(before, after);
    changes.push(delta.length ? { resourceId: r.id, changeType: 'Modify', before, after, delta } : { resourceId: r.id, changeType: 'NoChange', before, after });
  }
  if (scope.resourceGroup) {
    for (const u of await unlistedResources(plan, gateway)) {
      if (input.mode === 'Complete') {
        const versions = gateway.apiVersionsOf(u.type);
        const version = versions?.[versions.length - 1];
        const got = version ? await gateway.get(u.id, version) : { status: 404 };
        changes.push({ resourceId: u.id, changeType: 'Delete', ...('body' in got && got.body !== undefined ? { before: got.body } : {}) });
      } else {
        changes.push({ resourceId: u.id, changeType: 'Ignore' });
      }
    }
  }
  return { changes };
}
