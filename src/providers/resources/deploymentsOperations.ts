import { pageOf } from '../../arm/paging.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { deploymentStore, type DeploymentOperationRow } from '../../store/deployments.js';
import { ArmError } from '../../arm/errors.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';
import { DEPLOYMENT_TYPE, deploymentNotFound, targetOf, type DeploymentTarget } from './deploymentsScope.js';

/** `…/deployments/{name}/operations[/{operationId}]`: what the engine did, resource by resource, stored as it went. */
function serializeOperation(target: DeploymentTarget, row: DeploymentOperationRow): Record<string, unknown> {
  return { id: `${target.id}/operations/${row.operation_id}`, operationId: row.operation_id, properties: JSON.parse(row.properties) };
}

async function requireDeployment(req: ArmRequest): Promise<DeploymentTarget> {
  const target = targetOf(req);
  if (!(await deploymentStore.get(req.server.database.db, target.key))) throw deploymentNotFound(target.name);
  return target;
}

async function list(req: ArmRequest): Promise<ArmResponse> {
  const target = await requireDeployment(req);
  const db = req.server.database.db;
  const { rows, nextLink } = await pageOf(
    async (after, limit) => (await deploymentStore.operations(db, target.key, after === undefined ? undefined : Number(after), limit)).map((r) => ({ ...r, key: String(r.seq) })),
    { query: req.query, publicUrl: req.server.publicUrl, pathname: req.pathname, apiVersion: req.apiVersion },
  );
  return { status: 200, body: { value: rows.map((r) => serializeOperation(target, r)), ...(nextLink ? { nextLink } : {}) } };
}

async function get(req: ArmRequest): Promise<ArmResponse> {
  const target = await requireDeployment(req);
  const operationId = req.path.names[req.path.names.length - 1];
  const row = await deploymentStore.operation(req.server.database.db, target.key, operationId);
  if (!row) throw new ArmError(404, 'DeploymentOperationNotFound', `Deployment operation '${operationId}' of deployment '${target.name}' could not be found.`);
  return { status: 200, body: serializeOperation(target, row) };
}

export const deploymentOperations: ResourceTypeDef = {
  type: `${DEPLOYMENT_TYPE}/operations`,
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['resourceGroup', 'subscription'],
  item: { GET: get },
  collection: { GET: list },
};

/**
 * The same at the path the SDKs use for a group's deployment operations, which has no `/providers/` segment:
 * `/subscriptions/{s}/resourcegroups/{rg}/deployments/{name}/operations[/{id}]` (Azure's spec, DeploymentOperations_List).
 */
export const legacyDeploymentOperations: ResourceTypeDef = {
  ...deploymentOperations,
  type: 'Microsoft.Resources/subscriptions/resourceGroups/deployments/operations',
  actionType: `${DEPLOYMENT_TYPE}/operations`,
  scopes: ['tenant'],
};
