import crypto from 'node:crypto';
import { ArmError, armErrors } from '../../arm/errors.js';
import { pageOf, queryParam } from '../../arm/paging.js';
import { etagHeader, requirePreconditions, versionEtag } from '../../arm/preconditions.js';
import { isUniqueViolation, WRITE_ATTEMPTS } from '../../arm/trackedResource.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { nextChangedAt } from '../../store/changeStamp.js';
import { deploymentStore, type DeploymentRow } from '../../store/deployments.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';
import { deploymentActionPermissions, deploymentActions, validateTemplate } from './deploymentsActions.js';
import { jobHeaders } from './deploymentsJobs.js';
import { parseDeploymentRequest, validateDeploymentName } from './deploymentsRequest.js';
import { settleStaleJobs, startDeployment } from './deploymentsRun.js';
import { DEPLOYMENT_TYPE, deploymentNotFound, targetOf } from './deploymentsScope.js';
import { ACTIVE_STATES, serializeDeployment, type DeploymentProperties } from './deploymentsSerialize.js';

/** Azure's limit on the deployment history of one group (and of one subscription's own deployments). */
export const DEPLOYMENTS_PER_SCOPE = 800;

/** Deployments have no etag column: the version is derived from the last change (the engine moves it as it runs). */
const deploymentVersion = (row: DeploymentRow) => versionEtag(row.key, row.changed_at);

async function get(req: ArmRequest): Promise<ArmResponse> {
  const row = await load(req);
  return { status: 200, body: serializeDeployment(row), headers: etagHeader(deploymentVersion(row)) };
}

async function load(req: ArmRequest): Promise<DeploymentRow> {
  const target = targetOf(req);
  const row = await deploymentStore.get(req.server.database.db, target.key);
  if (!row) throw deploymentNotFound(target.name);
  if (ACTIVE_STATES.includes(row.provisioning_state)) {
    // Its node may have stopped: settle before answering, so a poller never waits forever.
    await settleStaleJobs(req.server);
    return (await deploymentStore.get(req.server.database.db, target.key)) ?? row;
  }
  return row;
}

/**
 * PUT: validated at once (a bad template is a 400, as in Azure), then answered 201/200 Accepted with
 * Azure-AsyncOperation, Location and Retry-After while the engine deploys in the background.
 */
async function put(req: ArmRequest): Promise<ArmResponse> {
  const target = targetOf(req);
  validateDeploymentName(target.name);
  const request = parseDeploymentRequest(req.body, target.resourceGroup === undefined);
  const db = req.server.database.db;
  let checked: Awaited<ReturnType<typeof validateTemplate>> | undefined;
  for (let attempt = 1; ; attempt++) {
    // The checks run against the version the write replaces: a concurrent change makes the swap miss, and the next
    // attempt reads again (a stale If-Match then answers 412; a deployment another PUT just started, 409).
    const existing = await current(req, target, attempt);
    if (existing && ACTIVE_STATES.includes(existing.provisioning_state)) throw deploymentActive(target.name);
    if (existing?.location && request.location && existing.location !== request.location) {
      throw armErrors.badRequest('InvalidDeploymentLocation', `Invalid deployment location '${request.location}'. The deployment '${target.name}' already exists in location '${existing.location}'.`);
    }
    if (!existing && (await deploymentStore.count(db, target.subscriptionId.toLowerCase(), (target.resourceGroup ?? '').toLowerCase())) >= DEPLOYMENTS_PER_SCOPE) {
      throw armErrors.badRequest(
        'DeploymentQuotaExceeded',
        `Creating the deployment '${target.name}' would exceed the quota of '${DEPLOYMENTS_PER_SCOPE}'. The current deployment count is '${DEPLOYMENTS_PER_SCOPE}'. Please delete some deployments before creating a new one, or see https://aka.ms/800LimitFix for information on managing deployment history.`,
      );
    }

    // Validated once: the template and its target do not depend on the record being replaced.
    checked ??= await validateTemplate(req, target, request);
    const { scope, secrets, gateway, validated } = checked;

    const now = new Date();
    const properties: DeploymentProperties = {
      provisioningState: 'Accepted',
      correlationId: req.correlationId,
      timestamp: now.toISOString(),
      duration: 'PT0S',
      dependencies: [],
      providers: [],
      parameters: validated.parameters,
      mode: request.input.mode,
      templateHash: validated.templateHash,
    };
    const row: DeploymentRow = {
      key: target.key,
      id: target.id,
      subscription_id: target.subscriptionId.toLowerCase(),
      resource_group: (target.resourceGroup ?? '').toLowerCase(),
      name: target.name,
      location: request.location ?? null,
      tags: JSON.stringify(request.tags ?? {}),
      provisioning_state: 'Accepted',
      properties: JSON.stringify(properties),
      template: JSON.stringify(request.input.template),
      created_at: now.toISOString(),
      // A new version: its etag must differ from the one it replaces even within the same millisecond.
      changed_at: nextChangedAt(existing?.changed_at, now),
      created_by: req.principal.objectId,
    };
    const jobId = crypto.randomUUID();
    const status = existing ? 200 : 201;
    let written: boolean;
    try {
      written = await db.transaction().execute(async (trx) => {
        if (!(await deploymentStore.put(trx, row, existing?.changed_at))) return false;
        await deploymentStore.insertJob(trx, { id: jobId, deployment_key: target.key, kind: 'deploy', status: 'Running', result: null, created_at: row.created_at, changed_at: row.created_at });
        // The PUT is the deployment's first event; its end is recorded with the same ids when the engine is done.
        await req.activity.record(trx, { statusCode: status, status: 'Accepted', scope: target.id, operationId: jobId });
        return true;
      });
    } catch (e) {
      // Another PUT of the same name created it first: read again (its conditions, then DeploymentActive).
      if (!existing && isUniqueViolation(e)) continue;
      throw e;
    }
    if (!written) continue;
    startDeployment({
      server: req.server,
      deploymentKey: target.key,
      jobId,
      input: request.input,
      scope,
      gateway,
      secrets,
      startedAt: now.getTime(),
      activity: req.activity.enabled ? { ...req.activity.event, scope: target.id, operationId: jobId } : undefined,
    });
    return { status, headers: { ...jobHeaders(req, target, jobId, true), ...etagHeader(deploymentVersion(row)) }, body: serializeDeployment(row) };
  }
}

/**
 * The record a write would replace, with the request's conditions checked against it (412 PreconditionFailed), and
 * 409 Conflict once WRITE_ATTEMPTS writes missed. A record still active whose node stopped is settled (Failed) first,
 * as a GET would, and checked as it is then.
 */
async function current(req: ArmRequest, target: ReturnType<typeof targetOf>, attempt: number): Promise<DeploymentRow | undefined> {
  const db = req.server.database.db;
  let row = await deploymentStore.get(db, target.key);
  requirePreconditions(req, row && deploymentVersion(row));
  if (row && ACTIVE_STATES.includes(row.provisioning_state)) {
    await settleStaleJobs(req.server);
    row = await deploymentStore.get(db, target.key);
    requirePreconditions(req, row && deploymentVersion(row));
  }
  if (attempt > WRITE_ATTEMPTS) throw armErrors.concurrentWrite(target.name);
  return row;
}

/** DELETE removes the record and its operations only: the resources it deployed stay. Synchronous (204). */
async function del(req: ArmRequest): Promise<ArmResponse> {
  const target = targetOf(req);
  const db = req.server.database.db;
  for (let attempt = 1; ; attempt++) {
    const row = await current(req, target, attempt);
    if (!row) return { status: 204 };
    if (ACTIVE_STATES.includes(row.provisioning_state)) throw deploymentActive(target.name);
    // Always the version checked (not only under If-Match): a PUT may have started the name again meanwhile.
    const deleted = await db.transaction().execute(async (trx) => {
      if (!(await deploymentStore.delete(trx, target.key, row.changed_at))) return false;
      await req.activity.record(trx, { statusCode: 204, scope: target.id });
      return true;
    });
    if (deleted) return { status: 204 };
  }
}

const STATE_FILTER = /^\s*provisioningState\s+eq\s+'([A-Za-z]+)'\s*$/i;

/** List, newest record order by id, with `$filter=provisioningState eq '…'`, `$top` and keyset paging. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const filter = queryParam(req.query, '$filter');
  let provisioningState: string | undefined;
  if (filter !== undefined && filter !== '') {
    const m = STATE_FILTER.exec(filter);
    if (!m) throw armErrors.badRequest('InvalidFilter', `The filter '${filter}' is not valid. Deployments can be filtered by provisioningState only: "provisioningState eq 'Succeeded'".`);
    provisioningState = m[1][0].toUpperCase() + m[1].slice(1).toLowerCase();
  }
  const db = req.server.database.db;
  const subscriptionKey = req.path.subscriptionId!.toLowerCase();
  const groupKey = (req.path.resourceGroup ?? '').toLowerCase();
  const { rows, nextLink } = await pageOf((after, limit) => deploymentStore.page(db, { subscriptionKey, groupKey, provisioningState, after, limit }), {
    query: req.query,
    publicUrl: req.server.publicUrl,
    pathname: req.pathname,
    apiVersion: req.apiVersion,
  });
  return { status: 200, body: { value: rows.map(serializeDeployment), ...(nextLink ? { nextLink } : {}) } };
}

function deploymentActive(name: string): ArmError {
  return new ArmError(409, 'DeploymentActive', `The deployment with resource id '${name}' cannot be saved, because this would overwrite an existing deployment which is still active. Wait for the deployment to finish or cancel it first.`);
}

/** `Microsoft.Resources/deployments` at resource-group and subscription scope. */
export const deployments: ResourceTypeDef = {
  type: DEPLOYMENT_TYPE,
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['resourceGroup', 'subscription'],
  item: { GET: get, PUT: put, DELETE: del },
  collection: { GET: list },
  actions: deploymentActions,
  actionPermissions: deploymentActionPermissions,
};
