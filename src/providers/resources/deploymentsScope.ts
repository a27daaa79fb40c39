import { ArmError, armErrors } from '../../arm/errors.js';
import { groupId, groupKeyOf } from '../../arm/ids.js';
import type { ArmRequest } from '../../arm/types.js';
import { resourceStore } from '../../store/resources.js';
import { subscriptionStore } from '../../store/subscriptions.js';
import type { ArmErrorBody, DeploymentScope } from '../../templates/engine/contract.js';
import type { ResourceGateway } from '../../templates/engine/contract.js';
import { createGateway } from '../../templates/gateway.js';
import { redact } from './deploymentsRequest.js';

export const DEPLOYMENT_TYPE = 'Microsoft.Resources/deployments';

/** Where a deployment request points: its id and key, its name, its subscription and (at group scope) its group. */
export interface DeploymentTarget {
  id: string;
  key: string;
  name: string;
  subscriptionId: string;
  /** The group as the path writes it; undefined at subscription scope. */
  resourceGroup?: string;
}

/** The deployment a request under `…/deployments/{name}[/…]` is about. */
export function targetOf(req: ArmRequest): DeploymentTarget {
  const subscriptionId = req.path.subscriptionId!;
  const resourceGroup = req.path.resourceGroup;
  // Deployment operations also answer on ARM's legacy path without `/providers/Microsoft.Resources`
  // (`/subscriptions/{s}/resourcegroups/{rg}/deployments/{name}/operations`), where the name follows the group.
  const name = req.path.scopeSegments.length === 0 ? req.path.names[2] : req.path.names[0];
  const base = resourceGroup === undefined ? `/subscriptions/${subscriptionId}` : groupId(subscriptionId, resourceGroup);
  const id = `${base}/providers/${DEPLOYMENT_TYPE}/${name}`;
  return { id, key: id.toLowerCase(), name, subscriptionId, resourceGroup };
}

/** What the template's deployment(), resourceGroup(), subscription() and environment() see. */
export async function scopeOf(req: ArmRequest, target: DeploymentTarget, location: string | undefined): Promise<DeploymentScope> {
  const db = req.server.database.db;
  const subscription = await subscriptionStore.get(db, target.subscriptionId);
  let resourceGroup: DeploymentScope['resourceGroup'];
  if (target.resourceGroup !== undefined) {
    const row = await resourceStore.get(db, groupKeyOf(target.subscriptionId, target.resourceGroup));
    if (!row) throw armErrors.resourceGroupNotFound(target.resourceGroup);
    const props = JSON.parse(row.properties) as { managedBy?: string };
    resourceGroup = { id: row.id, name: row.name, location: row.location ?? '', tags: JSON.parse(row.tags ?? '{}'), ...(props.managedBy ? { managedBy: props.managedBy } : {}) };
  }
  return {
    tenantId: req.server.tenantId,
    subscriptionId: target.subscriptionId.toLowerCase(),
    subscriptionDisplayName: subscription?.display_name ?? '',
    resourceGroup,
    deploymentName: target.name,
    deploymentId: target.id,
    location,
    resourceManagerUrl: `${req.server.publicUrl}/`,
    // The authority this server's clients sign in with (see metadataEndpoints.ts).
    loginEndpoint: `${req.server.publicUrl}/adfs`,
  };
}

export function deploymentNotFound(name: string): ArmError {
  return new ArmError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
}

/**
 * An error the engine threw (TemplateError: code, message, target, details) or a provider's ArmError, as ARM's
 * error body with every secret removed. Anything else is a fault of ours and says so without leaking its text.
 */
export function errorBodyOf(e: unknown, secrets: readonly string[]): ArmErrorBody {
  const err = e as { code?: unknown; message?: unknown; target?: unknown; details?: unknown; extra?: { target?: string; details?: ArmErrorBody[] } };
  if (!err || typeof err.code !== 'string' || typeof err.message !== 'string') {
    return { code: 'InternalServerError', message: 'An internal error occurred while processing the deployment.' };
  }
  const target = typeof err.target === 'string' ? err.target : err.extra?.target;
  const details = Array.isArray(err.details) ? (err.details as ArmErrorBody[]) : err.extra?.details;
  const body: ArmErrorBody = { code: err.code, message: redact(err.message, secrets) };
  if (target) body.target = redact(target, secrets);
  if (details?.length) body.details = details.map((d) => ({ ...d, message: redact(String(d.message), secrets) }));
  return body;
}

/** A refusal from validation, as the ArmError the request answers with (400 unless the error carries its own status). */
export function engineRefusal(e: unknown, secrets: readonly string[]): ArmError {
  if (e instanceof ArmError && !secrets.some((s) => s.length >= 3 && e.message.includes(s))) return e;
  const body = errorBodyOf(e, secrets);
  if (body.code === 'InternalServerError') throw e;
  const status = typeof (e as { status?: unknown }).status === 'number' ? (e as { status: number }).status : 400;
  return new ArmError(status, body.code, body.message, { ...(body.target ? { target: body.target } : {}), ...(body.details ? { details: body.details } : {}) });
}

/**
 * The gateway a deployment's engine works through, as the request's principal with its correlation id. `secrets` is
 * read at each use: the caller adds the engine's secret values once validation has found them.
 */
export function gatewayFor(req: ArmRequest, target: DeploymentTarget, secrets: readonly string[]): Promise<ResourceGateway> {
  return createGateway({
    server: req.server,
    principal: req.principal,
    correlationId: req.correlationId,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    redact: (text) => redact(text, secrets),
  });
}
