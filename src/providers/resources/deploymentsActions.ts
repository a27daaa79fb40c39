import crypto from 'node:crypto';
import { ArmError } from '../../arm/errors.js';
import type { ArmHandler, ArmRequest, ArmResponse } from '../../arm/types.js';
import { deploymentStore } from '../../store/deployments.js';
import type { PlannedResource, ValidatedDeployment } from '../../templates/engine/contract.js';
import { validateDeployment } from '../../templates/engine/index.js';
import { jobHeaders } from './deploymentsJobs.js';
import { declaredSecrets, parseDeploymentRequest, validateDeploymentName } from './deploymentsRequest.js';
import { cancelRun, startWhatIf } from './deploymentsRun.js';
import { DEPLOYMENT_TYPE, deploymentNotFound, engineRefusal, gatewayFor, scopeOf, targetOf } from './deploymentsScope.js';
import { ACTIVE_STATES, isoDuration } from './deploymentsSerialize.js';

/** A deployment request's template validated through the engine at its target; a refusal is the 400 Azure answers. */
export async function validateTemplate(req: ArmRequest, target: ReturnType<typeof targetOf>, request: ReturnType<typeof parseDeploymentRequest>) {
  const scope = await scopeOf(req, target, request.location);
  const secrets = declaredSecrets(request.input);
  const gateway = await gatewayFor(req, target, secrets);
  let validated: ValidatedDeployment;
  try {
    validated = await validateDeployment(request.input, scope, gateway);
  } catch (e) {
    throw engineRefusal(e, secrets);
  }
  for (const v of validated.secretValues) if (!secrets.includes(v)) secrets.push(v);
  return { scope, secrets, gateway, validated };
}

/** Parses a request and validates its template. */
async function validated(req: ArmRequest) {
  const target = targetOf(req);
  validateDeploymentName(target.name);
  const request = parseDeploymentRequest(req.body, target.resourceGroup === undefined);
  const { scope, secrets, gateway, validated: result } = await validateTemplate(req, target, request);
  return { target, request, scope, gateway, result, secrets };
}

/** POST validate: 200 with the deployment as it would be (`validatedResources`), or 400 with the template's error. */
async function validate(req: ArmRequest): Promise<ArmResponse> {
  const started = Date.now();
  const { target, request, result } = await validated(req);
  const enabled = result.resources.filter((r) => r.enabled);
  return {
    status: 200,
    body: {
      id: target.id,
      name: target.name,
      type: DEPLOYMENT_TYPE,
      ...(request.location ? { location: request.location } : {}),
      properties: {
        provisioningState: 'Succeeded',
        correlationId: req.correlationId,
        timestamp: new Date().toISOString(),
        duration: isoDuration(Date.now() - started),
        parameters: result.parameters,
        mode: request.input.mode,
        templateHash: result.templateHash,
        providers: providersOf(enabled),
        dependencies: dependenciesOf(enabled),
        validatedResources: enabled.map((r) => ({ id: r.id })),
      },
    },
  };
}

/** POST whatIf: validated at once, compared in the background; 202 + Location, whose final answer holds the changes. */
async function whatIfAction(req: ArmRequest): Promise<ArmResponse> {
  const { target, request, scope, gateway, secrets } = await validated(req);
  const jobId = crypto.randomUUID();
  const now = new Date().toISOString();
  await deploymentStore.insertJob(req.server.database.db, { id: jobId, deployment_key: target.key, kind: 'whatIf', status: 'Running', result: null, created_at: now, changed_at: now });
  startWhatIf(req.server, jobId, request.input, scope, gateway, secrets);
  return { status: 202, headers: jobHeaders(req, target, jobId, false) };
}

/** POST cancel: 204 for a deployment still Accepted or Running, else 409 DeploymentCannotBeCancelled. */
async function cancel(req: ArmRequest): Promise<ArmResponse> {
  const target = targetOf(req);
  const db = req.server.database.db;
  const row = await deploymentStore.get(db, target.key);
  if (!row) throw deploymentNotFound(target.name);
  const job = ACTIVE_STATES.includes(row.provisioning_state) ? await deploymentStore.activeJob(db, target.key, 'deploy') : undefined;
  if (!job || !(await cancelRun(req.server, target.key, job.id))) {
    throw new ArmError(
      409,
      'DeploymentCannotBeCancelled',
      `The deployment '${target.name}' cannot be cancelled because it is in '${row.provisioning_state}' state. Only deployments in 'Accepted' or 'Running' state can be cancelled.`,
    );
  }
  return { status: 204 };
}

/** POST exportTemplate: the template the deployment was made with. */
async function exportTemplate(req: ArmRequest): Promise<ArmResponse> {
  const target = targetOf(req);
  const row = await deploymentStore.get(req.server.database.db, target.key);
  if (!row) throw deploymentNotFound(target.name);
  return { status: 200, body: { template: JSON.parse(row.template) } };
}

function nameParts(r: PlannedResource): { id: string; resourceType: string; resourceName: string } {
  return { id: r.id, resourceType: r.type, resourceName: r.name };
}

/** `properties.dependencies` as Azure reports them: each resource that waits, with what it waits for. */
function dependenciesOf(resources: PlannedResource[]) {
  const byId = new Map(resources.map((r) => [r.id.toLowerCase(), r]));
  return resources
    .filter((r) => r.dependsOn.length > 0)
    .map((r) => ({
      ...nameParts(r),
      dependsOn: r.dependsOn.map((id) => {
        const dep = byId.get(id.toLowerCase());
        return dep ? nameParts(dep) : { id, resourceType: '', resourceName: id.split('/').pop() ?? id };
      }),
    }));
}

/** `properties.providers`: the namespaces and types the template touches, with their locations. */
function providersOf(resources: PlannedResource[]) {
  const namespaces = new Map<string, Map<string, Set<string>>>();
  for (const r of resources) {
    const [namespace, ...rest] = r.type.split('/');
    const types = namespaces.get(namespace) ?? new Map<string, Set<string>>();
    namespaces.set(namespace, types);
    types.set(rest.join('/'), types.get(rest.join('/')) ?? new Set());
  }
  return [...namespaces].map(([namespace, types]) => ({ namespace, resourceTypes: [...types].map(([resourceType, locations]) => ({ resourceType, locations: [...locations] })) }));
}

export const deploymentActions: Record<string, ArmHandler> = { validate, whatif: whatIfAction, cancel, exporttemplate: exportTemplate };

/** RBAC actions as Azure spells them (the registry would lower-case the action names). */
export const deploymentActionPermissions: Record<string, string> = {
  validate: `${DEPLOYMENT_TYPE}/validate/action`,
  whatif: `${DEPLOYMENT_TYPE}/whatIf/action`,
  cancel: `${DEPLOYMENT_TYPE}/cancel/action`,
  exporttemplate: `${DEPLOYMENT_TYPE}/exportTemplate/action`,
};
