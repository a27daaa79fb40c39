import { sql, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ResourcesTable, Schema } from './schema.js';
import { compiledOnce } from './compiledQuery.js';

export type ResourceRow = Selectable<ResourcesTable>;
export type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * A PostgreSQL write's condition on its resource group, checked by the write's own statement rather than by a read
 * before it: the group row must still be the version the request checked (`etag`: it existed and was not being
 * deleted), and that row stays share-locked until commit, as requireGroup's `for share` read did, one round trip fewer.
 * Group deletion changes the group's etag first, so a write either commits before it or matches nothing. (SQLite reads
 * the group in the write's transaction instead: it runs one write at a time, in process.)
 */
export interface GroupGuard {
  key: string;
  etag: string;
}

function groupStillIs(guard: GroupGuard) {
  return (eb: ExpressionBuilder<Schema, 'resources'>) => {
    const group = eb.selectFrom('resources as g').select(sql<number>`1`.as('one')).where('g.key', '=', guard.key).where('g.etag', '=', guard.etag);
    return eb.exists(group.forShare());
  };
}

export const ROW_COLUMNS = ['key', 'id', 'type', 'subscription_id', 'resource_group', 'parent_key', 'name', 'location', 'tags', 'properties', 'etag', 'created_at', 'changed_at', 'created_by', 'changed_by'] as const satisfies readonly (keyof ResourceRow)[];

/** `row` inserted only while its group is as `guard` says. */
function guardedInsertQuery(db: Db, row: ResourceRow, guard: GroupGuard) {
  return db
    .insertInto('resources')
    .columns([...ROW_COLUMNS])
    .expression(db.selectNoFrom(ROW_COLUMNS.map((c) => sql<string>`${row[c]}`.as(c))).where(groupStillIs(guard) as never));
}

/** The row at `key` updated while it still has `expectedEtag` and, with a guard, while its group is as the guard says. */
function guardedReplaceQuery(db: Db, changes: Partial<ResourceRow>, key: string, expectedEtag: string, guard?: GroupGuard) {
  const query = db.updateTable('resources').set(changes).where('key', '=', key).where('etag', '=', expectedEtag);
  return guard ? query.where(groupStillIs(guard)) : query;
}

export interface PageQuery {
  subscriptionKey: string;
  /** Lower-cased resource group; omitted to list across the subscription. */
  groupKey?: string;
  /** Lower-cased parent id; for child resources. */
  parentKey?: string;
  type: string;
  /** Keyset position: the last key of the previous page. */
  after?: string;
  limit: number;
}

// Every ARM request reads a row or two by key: compiled once (the `''` is a placeholder for the key).
const selectByKey = compiledOnce<ResourceRow>(1, (db) => db.selectFrom('resources').selectAll().where('key', '=', ''));

/** The `resources` table: every ARM resource, one row each, keyed by its lower-cased id. */
export const resourceStore = {
  guardedInsertQuery,
  guardedReplaceQuery,

  async get(db: Db, key: string): Promise<ResourceRow | undefined> {
    return (await selectByKey(db, key))[0];
  },

  async insert(db: Db, row: ResourceRow): Promise<void> {
    await db.insertInto('resources').values(row).execute();
  },

  /** Replaces a row only if its etag is still `expectedEtag`, so concurrent writers never interleave. */
  async replace(db: Db, row: ResourceRow, expectedEtag: string): Promise<boolean> {
    // Creation time and creator never change after the first write.
    const { key, created_at: _createdAt, created_by: _createdBy, ...changes } = row;
    const result = await guardedReplaceQuery(db, changes, key, expectedEtag).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Deletes a row; with `expectedEtag`, only if it is still that version (a concurrent write makes it fail). */
  async delete(db: Db, key: string, expectedEtag?: string): Promise<boolean> {
    let query = db.deleteFrom('resources').where('key', '=', key);
    if (expectedEtag !== undefined) query = query.where('etag', '=', expectedEtag);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  /** One indexed range scan: rows of one type under a subscription, group or parent, after a key. */
  async page(db: Db, q: PageQuery): Promise<ResourceRow[]> {
    let query = db.selectFrom('resources').selectAll().where('type', '=', q.type);
    if (q.parentKey !== undefined) query = query.where('parent_key', '=', q.parentKey);
    else {
      query = query.where('subscription_id', '=', q.subscriptionKey);
      if (q.groupKey !== undefined) query = query.where('resource_group', '=', q.groupKey);
    }
    if (q.after !== undefined) query = query.where('key', '>', q.after);
    return query.orderBy('key').limit(q.limit).execute();
  },

  /** Keys of up to `limit` resources inside a resource group (the group's own row excluded). */
  async keysInGroup(db: Db, subscriptionKey: string, groupKey: string, groupRowKey: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('resources')
      .select('key')
      .where('subscription_id', '=', subscriptionKey)
      .where('resource_group', '=', groupKey)
      .where('key', '!=', groupRowKey)
      .limit(limit)
      .execute();
    return rows.map((r) => r.key);
  },

  async deleteKeys(db: Db, keys: string[]): Promise<void> {
    if (keys.length) await db.deleteFrom('resources').where('key', 'in', keys).execute();
  },

  async deleteChildren(db: Db, parentKey: string): Promise<void> {
    await db.deleteFrom('resources').where('parent_key', '=', parentKey).execute();
  },
};
