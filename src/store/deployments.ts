import type { Selectable } from 'kysely';
import type { DeploymentJobsTable, DeploymentOperationsTable, DeploymentsTable } from './schema.js';
import type { Db } from './resources.js';
import { nextChangedAt } from './changeStamp.js';

export type DeploymentRow = Selectable<DeploymentsTable>;
export type DeploymentOperationRow = Selectable<DeploymentOperationsTable>;
export type DeploymentJobRow = Selectable<DeploymentJobsTable>;

export interface DeploymentPageQuery {
  subscriptionKey: string;
  /** Lower-cased group, or '' for the subscription's own deployments. */
  groupKey: string;
  provisioningState?: string;
  after?: string;
  limit: number;
}

/** Template deployment records, their operations and their long-running jobs (one code path for SQLite and PostgreSQL). */
export const deploymentStore = {
  get(db: Db, key: string): Promise<DeploymentRow | undefined> {
    return db.selectFrom('deployments').selectAll().where('key', '=', key).executeTakeFirst();
  },

  async count(db: Db, subscriptionKey: string, groupKey: string): Promise<number> {
    const row = await db
      .selectFrom('deployments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('subscription_id', '=', subscriptionKey)
      .where('resource_group', '=', groupKey)
      .executeTakeFirst();
    // PostgreSQL returns count(*) as a bigint string.
    return Number(row?.n ?? 0);
  },

  /**
   * Writes the record of a name afresh (a deployment PUT starts over: the operations and jobs of the name go). With
   * `expectedChangedAt` it replaces only that version of the record (compare-and-swap: false when it moved on or is
   * gone, and nothing was written); without, it creates the record (a unique violation when one exists meanwhile).
   */
  async put(db: Db, row: DeploymentRow, expectedChangedAt: string | undefined): Promise<boolean> {
    if (expectedChangedAt !== undefined) {
      const replaced = await db.deleteFrom('deployments').where('key', '=', row.key).where('changed_at', '=', expectedChangedAt).executeTakeFirst();
      if (Number(replaced.numDeletedRows) === 0) return false;
    }
    await db.insertInto('deployments').values(row).execute();
    await db.deleteFrom('deployment_operations').where('deployment_key', '=', row.key).execute();
    await db.deleteFrom('deployment_jobs').where('deployment_key', '=', row.key).execute();
    return true;
  },

  /**
   * The engine's progress (state and properties) as a new version of the record: `changed_at` is moved on from the
   * version it replaces (nextChangedAt), compared-and-swapped so a concurrent write is never overwritten with a stale
   * instant. Nothing when the record is gone.
   */
  async update(db: Db, key: string, changes: Pick<DeploymentRow, 'provisioning_state' | 'properties' | 'changed_at'>): Promise<void> {
    for (;;) {
      const current = await db.selectFrom('deployments').select('changed_at').where('key', '=', key).executeTakeFirst();
      if (!current) return;
      const changed_at = nextChangedAt(current.changed_at, new Date(changes.changed_at));
      const result = await db.updateTable('deployments').set({ ...changes, changed_at }).where('key', '=', key).where('changed_at', '=', current.changed_at).executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return;
    }
  },

  /** Deletes the record, its operations and jobs; with `expectedChangedAt` only that version of it (compare-and-swap). */
  async delete(db: Db, key: string, expectedChangedAt?: string): Promise<boolean> {
    let query = db.deleteFrom('deployments').where('key', '=', key);
    if (expectedChangedAt !== undefined) query = query.where('changed_at', '=', expectedChangedAt);
    const result = await query.executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await db.deleteFrom('deployment_operations').where('deployment_key', '=', key).execute();
    await db.deleteFrom('deployment_jobs').where('deployment_key', '=', key).execute();
    return true;
  },

  /** Everything deployed-record-wise in a group: deleted with the group (the resources themselves are the group's). */
  async deleteInGroup(db: Db, subscriptionKey: string, groupKey: string): Promise<void> {
    const keys = db.selectFrom('deployments').select('key').where('subscription_id', '=', subscriptionKey).where('resource_group', '=', groupKey);
    await db.deleteFrom('deployment_operations').where('deployment_key', 'in', keys).execute();
    await db.deleteFrom('deployment_jobs').where('deployment_key', 'in', keys).execute();
    await db.deleteFrom('deployments').where('subscription_id', '=', subscriptionKey).where('resource_group', '=', groupKey).execute();
  },

  page(db: Db, q: DeploymentPageQuery): Promise<DeploymentRow[]> {
    let query = db.selectFrom('deployments').selectAll().where('subscription_id', '=', q.subscriptionKey).where('resource_group', '=', q.groupKey);
    if (q.provisioningState !== undefined) query = query.where('provisioning_state', '=', q.provisioningState);
    if (q.after !== undefined) query = query.where('key', '>', q.after);
    return query.orderBy('key').limit(q.limit).execute();
  },

  /** Inserts an operation the first time it is reported, then updates it (the engine reports start and end). */
  async putOperation(db: Db, deploymentKey: string, operationId: string, seq: number, properties: string): Promise<void> {
    const result = await db
      .updateTable('deployment_operations')
      .set({ properties })
      .where('deployment_key', '=', deploymentKey)
      .where('operation_id', '=', operationId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) await db.insertInto('deployment_operations').values({ deployment_key: deploymentKey, operation_id: operationId, seq, properties }).execute();
  },

  operation(db: Db, deploymentKey: string, operationId: string): Promise<DeploymentOperationRow | undefined> {
    return db.selectFrom('deployment_operations').selectAll().where('deployment_key', '=', deploymentKey).where('operation_id', '=', operationId).executeTakeFirst();
  },

  operations(db: Db, deploymentKey: string, afterSeq: number | undefined, limit: number): Promise<DeploymentOperationRow[]> {
    let query = db.selectFrom('deployment_operations').selectAll().where('deployment_key', '=', deploymentKey);
    if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
    return query.orderBy('seq').limit(limit).execute();
  },

  async insertJob(db: Db, row: DeploymentJobRow): Promise<void> {
    await db.insertInto('deployment_jobs').values(row).execute();
  },

  job(db: Db, id: string): Promise<DeploymentJobRow | undefined> {
    return db.selectFrom('deployment_jobs').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  },

  /** The job of a deployment still running (Running or Canceling), if any. */
  activeJob(db: Db, deploymentKey: string, kind: string): Promise<DeploymentJobRow | undefined> {
    return db
      .selectFrom('deployment_jobs')
      .selectAll()
      .where('deployment_key', '=', deploymentKey)
      .where('kind', '=', kind)
      .where('status', 'in', ['Running', 'Canceling'])
      .executeTakeFirst();
  },

  async finishJob(db: Db, id: string, status: string, result: string | null, at: string): Promise<void> {
    await db.updateTable('deployment_jobs').set({ status, result, changed_at: at }).where('id', '=', id).execute();
  },

  /** Marks a running job alive; returns its status, so the runner sees a cancel asked for on another node. */
  async heartbeat(db: Db, id: string, at: string): Promise<string | undefined> {
    await db.updateTable('deployment_jobs').set({ changed_at: at }).where('id', '=', id).where('status', 'in', ['Running', 'Canceling']).execute();
    return (await db.selectFrom('deployment_jobs').select('status').where('id', '=', id).executeTakeFirst())?.status;
  },

  /** True when the job was running and is now asked to stop. */
  async requestCancel(db: Db, id: string, at: string): Promise<boolean> {
    const result = await db.updateTable('deployment_jobs').set({ status: 'Canceling', changed_at: at }).where('id', '=', id).where('status', '=', 'Running').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Jobs whose heartbeat stopped before `cutoff`: their node is gone. */
  staleJobs(db: Db, cutoff: string): Promise<DeploymentJobRow[]> {
    return db.selectFrom('deployment_jobs').selectAll().where('status', 'in', ['Running', 'Canceling']).where('changed_at', '<', cutoff).execute();
  },
};
