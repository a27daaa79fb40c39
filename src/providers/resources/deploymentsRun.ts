import { recordActivity, type ActivityEvent } from '../../activity/recorder.js';
import type { ServerContext } from '../../server/context.js';
import { deploymentStore } from '../../store/deployments.js';
import type { DeploymentInput, DeploymentOperation, DeploymentResult, DeploymentScope, ResourceGateway, WhatIfChange } from '../../templates/engine/contract.js';
import { runDeployment, whatIf } from '../../templates/engine/index.js';
import { redact, redactValue } from './deploymentsRequest.js';
import { errorBodyOf } from './deploymentsScope.js';
import { isoDuration, type DeploymentProperties } from './deploymentsSerialize.js';

/** A running job refreshes its heartbeat this often; one silent for STALE_AFTER_MS lost its node (stopped or crashed). */
const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

/** Cancels of deployments this process runs, by deployment key. */
const localRuns = new Map<string, AbortController>();

export interface DeploymentRun {
  server: ServerContext;
  deploymentKey: string;
  jobId: string;
  input: DeploymentInput;
  scope: DeploymentScope;
  gateway: ResourceGateway;
  secrets: readonly string[];
  /** When the deployment was accepted (its duration counts from here). */
  startedAt: number;
  /** The PUT's activity-log event, to record the deployment's end with the same ids. */
  activity?: ActivityEvent;
}

/**
 * Runs a deployment in the background of this process, as Azure does after answering 201 Accepted: the record turns
 * Running, each operation is stored as the engine reports it, and the end (Succeeded / Failed / Canceled) is stored
 * with outputs or the error. Secure values are redacted from everything stored or logged.
 */
export function startDeployment(run: DeploymentRun): void {
  const controller = new AbortController();
  localRuns.set(run.deploymentKey, controller);
  const work = (async () => {
    const db = run.server.database.db;
    const stopHeartbeat = heartbeat(run.server, run.jobId, controller);
    let seq = 0;
    try {
      await setState(run, 'Running', {});
      const onOperation = async (op: DeploymentOperation) => {
        await deploymentStore.putOperation(db, run.deploymentKey, op.operationId, seq++, JSON.stringify(redactValue(op.properties, run.secrets)));
      };
      let result: DeploymentResult;
      try {
        result = await runDeployment(run.input, run.scope, run.gateway, { onOperation, signal: controller.signal });
      } catch (e) {
        result = { provisioningState: 'Failed', outputs: {}, outputResources: [], dependencies: [], providers: [], error: errorBodyOf(e, run.secrets) };
        // Logged redacted, without the error object: its message and stack could carry a secure value.
        if (result.error?.code === 'InternalServerError') run.server.log.error({ deployment: run.deploymentKey, error: redact(e instanceof Error ? e.message : String(e), run.secrets) }, 'template deployment failed');
      }
      if (controller.signal.aborted && result.provisioningState !== 'Failed') result = { ...result, provisioningState: 'Canceled' };
      const error = result.error ? redactValue(result.error, run.secrets) : undefined;
      await setState(run, result.provisioningState, {
        outputs: redactValue(result.outputs, run.secrets),
        outputResources: result.outputResources,
        dependencies: result.dependencies,
        providers: result.providers,
        duration: isoDuration(Date.now() - run.startedAt),
        ...(error ? { error } : {}),
      });
      await deploymentStore.finishJob(db, run.jobId, result.provisioningState, error ? JSON.stringify(error) : null, new Date().toISOString());
      await recordEnd(run, result.provisioningState, error);
    } catch (e) {
      // The store failed under us: leave the job to go stale rather than claim an outcome we could not record.
      run.server.log.error({ err: e, deployment: run.deploymentKey }, 'recording a template deployment failed');
    } finally {
      stopHeartbeat();
      localRuns.delete(run.deploymentKey);
    }
  })();
  track(run.server, work);
}

/** A what-if in the background: its job ends with `{status, properties: {changes}}` or `{status: 'Failed', error}`. */
export function startWhatIf(server: ServerContext, jobId: string, input: DeploymentInput, scope: DeploymentScope, gateway: ResourceGateway, secrets: readonly string[]): void {
  const controller = new AbortController();
  const work = (async () => {
    const stopHeartbeat = heartbeat(server, jobId, controller);
    try {
      let status = 'Succeeded';
      let body: Record<string, unknown>;
      try {
        const { changes } = await whatIf(input, scope, gateway);
        body = { status, properties: { changes: redactValue(changes as WhatIfChange[], secrets) } };
      } catch (e) {
        status = 'Failed';
        body = { status, error: errorBodyOf(e, secrets) };
      }
      await deploymentStore.finishJob(server.database.db, jobId, status, JSON.stringify(body), new Date().toISOString());
    } catch (e) {
      server.log.error({ err: e, jobId }, 'recording a what-if failed');
    } finally {
      stopHeartbeat();
    }
  })();
  track(server, work);
}

/** Asks the deployment's run to stop: at once when it runs here, through its job row (read by the heartbeat) elsewhere. */
export async function cancelRun(server: ServerContext, deploymentKey: string, jobId: string): Promise<boolean> {
  const asked = await deploymentStore.requestCancel(server.database.db, jobId, new Date().toISOString());
  localRuns.get(deploymentKey)?.abort();
  return asked;
}

/**
 * Fails jobs whose node stopped (no heartbeat for STALE_AFTER_MS) and their deployments. A stopped deployment is not
 * resumed: its secure parameters were never stored, and the resources it had deployed stay, as after a failure.
 * Run at start-up and before a status is read, so any node settles what another left behind.
 */
export async function settleStaleJobs(server: ServerContext): Promise<void> {
  const db = server.database.db;
  const now = new Date();
  const stale = await deploymentStore.staleJobs(db, new Date(now.getTime() - STALE_AFTER_MS).toISOString());
  for (const job of stale) {
    const error = { code: 'DeploymentInterrupted', message: 'The deployment was interrupted: the server running it stopped before it finished. Resources it had already deployed were kept. Run the deployment again.' };
    if (job.kind === 'deploy') {
      const row = await deploymentStore.get(db, job.deployment_key);
      if (row && (row.provisioning_state === 'Accepted' || row.provisioning_state === 'Running')) {
        const props = JSON.parse(row.properties) as DeploymentProperties;
        const properties = { ...props, provisioningState: 'Failed', duration: isoDuration(now.getTime() - Date.parse(row.created_at)), error };
        await deploymentStore.update(db, row.key, { provisioning_state: 'Failed', properties: JSON.stringify(properties), changed_at: now.toISOString() });
      }
      await deploymentStore.finishJob(db, job.id, 'Failed', JSON.stringify(error), now.toISOString());
    } else {
      await deploymentStore.finishJob(db, job.id, 'Failed', JSON.stringify({ status: 'Failed', error }), now.toISOString());
    }
  }
}

async function setState(run: DeploymentRun, state: string, changes: Partial<DeploymentProperties>): Promise<void> {
  const db = run.server.database.db;
  const row = await deploymentStore.get(db, run.deploymentKey);
  // Deleted with its group meanwhile: nothing left to update.
  if (!row) return;
  const props = JSON.parse(row.properties) as DeploymentProperties;
  const properties = { ...props, ...changes, provisioningState: state, timestamp: new Date().toISOString() };
  await deploymentStore.update(db, run.deploymentKey, { provisioning_state: state, properties: JSON.stringify(properties), changed_at: properties.timestamp });
}

async function recordEnd(run: DeploymentRun, state: string, error: { code: string; message: string } | undefined): Promise<void> {
  if (!run.activity) return;
  const outcome = state === 'Succeeded' ? { statusCode: 200 } : { statusCode: 400, status: 'Failed' as const, ...(error ? { error: { code: error.code, message: error.message } } : {}) };
  await recordActivity(run.server.database.db, run.activity, outcome).catch((e) => run.server.log.error({ err: e }, 'recording a deployment end in the activity log failed'));
}

/** Keeps the job fresh and watches for a cancel asked on another node; returns the stopper. */
function heartbeat(server: ServerContext, jobId: string, controller: AbortController): () => void {
  const timer = setInterval(() => {
    deploymentStore
      .heartbeat(server.database.db, jobId, new Date().toISOString())
      .then((status) => {
        if (status === 'Canceling') controller.abort();
      })
      .catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Background work the server awaits on shutdown. */
function track(server: ServerContext, work: Promise<void>): void {
  server.background.add(work);
  void work.finally(() => server.background.delete(work));
}
