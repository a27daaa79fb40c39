import { sql, type Selectable } from 'kysely';
import type { ActivityLogTable } from './schema.js';
import type { Db } from './resources.js';

export type ActivityRow = Selectable<ActivityLogTable>;

/** What a listing may narrow by, beyond subscription and time (all compared case-insensitively). */
export interface ActivityQuery {
  subscriptionKey: string;
  /** Inclusive ISO-8601 bounds. */
  from: string;
  to: string;
  resourceGroup?: string;
  resourceId?: string;
  resourceProvider?: string;
  correlationId?: string;
  caller?: string;
  status?: string;
  /** Keyset position: the (event_time, id) of the last row of the previous page; newest first. */
  after?: { time: string; id: string };
  limit: number;
}

/** `%`, `_` and the escape character itself taken literally inside a LIKE pattern. */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The `activity_log` table: one row per control-plane write, allowed or refused. */
export const activityLogStore = {
  async insert(db: Db, row: ActivityRow): Promise<void> {
    await db.insertInto('activity_log').values(row).execute();
  },

  async exists(db: Db, ids: readonly string[]): Promise<boolean> {
    if (!ids.length) return false;
    const row = await db.selectFrom('activity_log').select('id').where('id', 'in', ids).limit(1).executeTakeFirst();
    return row !== undefined;
  },

  /** The first event of an asynchronous operation (its 202), whose details the final event repeats. */
  async byOperationId(db: Db, operationId: string): Promise<ActivityRow | undefined> {
    return db
      .selectFrom('activity_log')
      .selectAll()
      .where('properties', 'like', `%"operationId":"${operationId.replace(/[^0-9a-zA-Z-]/g, '')}"%`)
      .orderBy('event_time')
      .limit(1)
      .executeTakeFirst();
  },

  /** One range scan of the (subscription_id, event_time, id) index, newest first. */
  async page(db: Db, q: ActivityQuery): Promise<ActivityRow[]> {
    let query = db
      .selectFrom('activity_log')
      .selectAll()
      .where('subscription_id', '=', q.subscriptionKey)
      .where('event_time', '>=', q.from)
      .where('event_time', '<=', q.to);
    if (q.after) {
      const { time, id } = q.after;
      query = query.where((eb) => eb.or([eb('event_time', '<', time), eb.and([eb('event_time', '=', time), eb('id', '<', id)])]));
    }
    const lowerScope = sql<string>`lower(scope)`;
    if (q.resourceGroup !== undefined) {
      const groupId = `/subscriptions/${q.subscriptionKey}/resourcegroups/${q.resourceGroup.toLowerCase()}`;
      query = query.where((eb) => eb.or([eb(lowerScope, '=', groupId), eb(lowerScope, 'like', sql<string>`${`${likeLiteral(groupId)}/%`} escape '\\'`)]));
    }
    if (q.resourceId !== undefined) query = query.where(lowerScope, '=', q.resourceId.toLowerCase());
    if (q.resourceProvider !== undefined) {
      query = query.where(sql<string>`lower(operation)`, 'like', sql<string>`${`${likeLiteral(q.resourceProvider.toLowerCase())}/%`} escape '\\'`);
    }
    if (q.correlationId !== undefined) query = query.where(sql<string>`lower(correlation_id)`, '=', q.correlationId.toLowerCase());
    if (q.caller !== undefined) {
      const caller = q.caller.toLowerCase();
      query = query.where((eb) => eb.or([eb(sql<string>`lower(caller)`, '=', caller), eb(sql<string>`lower(caller_object_id)`, '=', caller)]));
    }
    if (q.status !== undefined) query = query.where(sql<string>`lower(status)`, '=', q.status.toLowerCase());
    return query.orderBy('event_time', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  },
};
