import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { deploymentStore, type DeploymentJobRow } from '../../store/deployments.js';
import { RESOURCES_API_VERSIONS } from './apiVersions.js';
import { settleStaleJobs, STALE_AFTER_MS } from './deploymentsRun.js';
import { DEPLOYMENT_TYPE, deploymentNotFound, targetOf, type DeploymentTarget } from './deploymentsScope.js';
import { serializeDeployment } from './deploymentsSerialize.js';

/**
 * The polling URLs of a deployment's long-running work: `…/deployments/{name}/operationStatuses/{job}` (the
 * Azure-AsyncOperation: `{status}` at once) and `…/operationResults/{job}` (the Location: 202 until done, then the
 * result). Each poll reads one row.
 */
export function jobHeaders(req: ArmRequest, target: DeploymentTarget, jobId: string, withAsyncOperation: boolean): Record<string, string> {
  const base = `${req.server.publicUrl}${target.id}`;
  const query = `?api-version=${req.apiVersion}`;
  return {
    ...(withAsyncOperation ? { 'azure-asyncoperation': `${base}/operationStatuses/${jobId}${query}` } : {}),
    location: `${base}/operationResults/${jobId}${query}`,
    'retry-after': '1',
  };
}

/** The job the path names, if it belongs to the path's deployment; a job whose node stopped is settled first. */
async function loadJob(req: ArmRequest): Promise<{ job: DeploymentJobRow; target: DeploymentTarget }> {
  const target = targetOf(req);
  const db = req.server.database.db;
  let job = await deploymentStore.job(db, req.path.names[req.path.names.length - 1]);
  if (!job || job.deployment_key !== target.key) throw deploymentNotFound(target.name);
  if (isActive(job) && Date.now() - Date.parse(job.changed_at) > STALE_AFTER_MS) {
    await settleStaleJobs(req.server);
    job = (await deploymentStore.job(db, job.id)) ?? job;
  }
  return { job, target };
}

function isActive(job: DeploymentJobRow): boolean {
  return job.status === 'Running' || job.status === 'Canceling';
}

async function status(req: ArmRequest): Promise<ArmResponse> {
  const { job, target } = await loadJob(req);
  const body: Record<string, unknown> = {
    id: `${target.id}/operationStatuses/${job.id}`,
    name: job.id,
    status: isActive(job) ? 'Running' : job.status,
    startTime: job.created_at,
  };
  if (!isActive(job)) body.endTime = job.changed_at;
  if (job.status === 'Failed' && job.result) {
    const result = JSON.parse(job.result);
    body.error = result.error ?? result;
  }
  return { status: 200, body, headers: isActive(job) ? { 'retry-after': '1' } : {} };
}

async function result(req: ArmRequest): Promise<ArmResponse> {
  const { job, target } = await loadJob(req);
  if (isActive(job)) return { status: 202, headers: { location: `${req.server.publicUrl}${req.pathname}?api-version=${req.apiVersion}`, 'retry-after': '1' } };
  if (job.kind === 'whatIf') return { status: 200, body: job.result ? JSON.parse(job.result) : { status: job.status } };
  const row = await deploymentStore.get(req.server.database.db, target.key);
  return row ? { status: 200, body: serializeDeployment(row) } : { status: 204 };
}

const child = (name: string, GET: (req: ArmRequest) => Promise<ArmResponse>): ResourceTypeDef => ({
  type: `${DEPLOYMENT_TYPE}/${name}`,
  apiVersions: RESOURCES_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['resourceGroup', 'subscription'],
  item: { GET },
});

export const deploymentOperationStatuses = child('operationStatuses', status);
export const deploymentOperationResults = child('operationResults', result);
