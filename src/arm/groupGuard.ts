import type { ServerContext } from '../server/context.js';
import { resourceStore, type Db, type ResourceRow } from '../store/resources.js';
import { armErrors } from './errors.js';
import { groupKeyOf } from './ids.js';

/**
 * The resource group a request works in: 404 ResourceGroupNotFound when it is missing and, for writes,
 * 409 ResourceGroupBeingDeleted while it is being deleted.
 *
 * With `lock`, inside a write's transaction, the group's row stays share-locked until commit
 * (PostgreSQL; SQLite runs one transaction at a time). Group deletion locks the row first, so a
 * concurrent write either commits before the group's contents are listed or finds the group gone:
 * nothing is left behind in a deleted group.
 */
export async function requireGroup(
  server: ServerContext,
  db: Db,
  subscriptionId: string,
  group: string,
  opts: { write: boolean; lock?: boolean },
): Promise<ResourceRow> {
  const key = groupKeyOf(subscriptionId, group);
  // Unlocked reads (every request under a group) take the store's precompiled point read.
  const row =
    opts.lock === true && server.database.dialect === 'postgres'
      ? await db.selectFrom('resources').selectAll().where('key', '=', key).forShare().executeTakeFirst()
      : await resourceStore.get(db, key);
  return checkGroup(row, group, opts.write);
}

/** The checks on a group row already read: it must exist and, for writes, not be deleting. */
export function checkGroup(row: ResourceRow | undefined, group: string, write: boolean): ResourceRow {
  if (!row) throw armErrors.resourceGroupNotFound(group);
  if (write && JSON.parse(row.properties).provisioningState === 'Deleting') throw armErrors.resourceGroupBeingDeleted(row.name);
  return row;
}
