import crypto from 'node:crypto';
import type { ServerContext } from '../../server/context.js';
import { resourceStore, type ResourceRow } from '../../store/resources.js';
import { principalStore } from '../../store/principals.js';
import { roleAssignmentStore } from '../../store/roleAssignments.js';
import { assignmentStore } from '../../store/identityAssignments.js';
import { asyncOperationStore } from '../../store/asyncOperations.js';
import { activityLogStore } from '../../store/activityLog.js';
import { deploymentStore } from '../../store/deployments.js';
import type { Db } from '../../store/resources.js';
import { eventOfRow, recordActivity, type ActivityEvent, type RequestActivity } from '../../activity/recorder.js';

const BATCH = 500;

/**
 * Deletes one batch of what a group holds, with the principals those resources own; true when nothing is left.
 * `onDone` runs in the transaction that deletes the group itself (to record the deletion in the activity log).
 */
async function deleteBatch(server: ServerContext, group: ResourceRow, onDone?: (trx: Db) => Promise<void>): Promise<boolean> {
  return server.database.db.transaction().execute(async (trx) => {
    // Lock the group before listing what it holds: a write that share-locked it first commits before
    // the list is read, and a later one waits and then finds the group deleting or gone (see requireGroup).
    if (server.database.dialect === 'postgres') await trx.selectFrom('resources').select('key').where('key', '=', group.key).forUpdate().execute();
    const keys = await resourceStore.keysInGroup(trx, group.subscription_id, group.resource_group, group.key, BATCH);
    await principalStore.deleteByResourceKeys(trx, keys);
    // Hosts among them take their identity assignments and workload credentials along.
    await assignmentStore.removeHosts(trx, keys);
    await resourceStore.deleteKeys(trx, keys);
    if (keys.length < BATCH) {
      await principalStore.deleteByResourceKeys(trx, [group.key]);
      // Role assignments at the group and under it (on what it held) go with it.
      await roleAssignmentStore.deleteAtOrUnder(trx, group.key);
      // So does its deployment history (the records only; what they deployed was in the group).
      await deploymentStore.deleteInGroup(trx, group.subscription_id, group.resource_group);
      await resourceStore.delete(trx, group.key);
      await onDone?.(trx);
      return true;
    }
    return false;
  });
}

/** A small group is deleted in one transaction before the response. */
export async function deleteGroupNow(server: ServerContext, group: ResourceRow, activity?: RequestActivity): Promise<boolean> {
  const count = await resourceStore.keysInGroup(server.database.db, group.subscription_id, group.resource_group, group.key, BATCH);
  if (count.length >= BATCH) return false;
  return deleteBatch(server, group, (trx) => activity?.record(trx, { statusCode: 200, scope: group.id }) ?? Promise.resolve());
}

/** A large group is marked Deleting and emptied in batches in the background; the operation row tracks it. */
export async function startGroupDeletion(server: ServerContext, group: ResourceRow, activity?: RequestActivity): Promise<string> {
  const operationId = crypto.randomUUID();
  const now = new Date().toISOString();
  await server.database.db.transaction().execute(async (trx) => {
    const props = { ...JSON.parse(group.properties), provisioningState: 'Deleting' };
    // A new etag makes a group PUT or PATCH that read the group before this fail its write and read again,
    // instead of setting it back to Succeeded.
    await trx.updateTable('resources').set({ properties: JSON.stringify(props), etag: crypto.randomUUID(), changed_at: now }).where('key', '=', group.key).execute();
    await asyncOperationStore.insert(trx, { id: operationId, kind: 'deleteResourceGroup', resource_key: group.key, status: 'Running', error: null, created_at: now, changed_at: now });
    // The 202 is the operation's first event; the background work records its end with the same ids.
    await activity?.record(trx, { statusCode: 202, scope: group.id, operationId });
  });
  runInBackground(server, operationId, group, activity?.enabled ? { ...activity.event, scope: group.id, operationId } : undefined);
  return operationId;
}

/** Picks up deletions a stopped server left unfinished. */
export async function resumeGroupDeletions(server: ServerContext): Promise<void> {
  for (const op of await asyncOperationStore.running(server.database.db)) {
    if (op.kind !== 'deleteResourceGroup') continue;
    const group = await resourceStore.get(server.database.db, op.resource_key);
    if (!group) await asyncOperationStore.finish(server.database.db, op.id, 'Succeeded', null, new Date().toISOString());
    else {
      const started = await activityLogStore.byOperationId(server.database.db, op.id);
      runInBackground(server, op.id, group, started ? eventOfRow(started) : undefined);
    }
  }
}

/** `event`: the request's activity-log details, to record the deletion's end (Succeeded with the group gone, or Failed). */
function runInBackground(server: ServerContext, operationId: string, group: ResourceRow, event?: ActivityEvent): void {
  const work = (async () => {
    try {
      const recordEnd = (trx: Db) => (event ? recordActivity(trx, event, { statusCode: 200 }).then(() => undefined) : Promise.resolve());
      while (!(await deleteBatch(server, group, recordEnd))) {
        // yield between batches so requests keep being served
        await new Promise((r) => setImmediate(r));
      }
      await asyncOperationStore.finish(server.database.db, operationId, 'Succeeded', null, new Date().toISOString());
    } catch (e) {
      server.log.error({ err: e, operationId }, 'resource group deletion failed');
      if (event) {
        const error = { code: 'ResourceGroupDeletionFailed', message: e instanceof Error ? e.message : String(e) };
        await recordActivity(server.database.db, event, { statusCode: 500, error }).catch(() => undefined);
      }
      await asyncOperationStore
        .finish(server.database.db, operationId, 'Failed', e instanceof Error ? e.message : String(e), new Date().toISOString())
        .catch(() => undefined);
    }
  })();
  server.background.add(work);
  void work.finally(() => server.background.delete(work));
}
