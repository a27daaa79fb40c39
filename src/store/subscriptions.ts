import type { Selectable } from 'kysely';
import type { SubscriptionsTable } from './schema.js';
import type { Db } from './resources.js';
import { compiledOnce } from './compiledQuery.js';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

// Read on every ARM request under a subscription: compiled once (the `''` is a placeholder for the key).
const selectByKey = compiledOnce<SubscriptionRow>(1, (db) => db.selectFrom('subscriptions').selectAll().where('key', '=', ''));

export const subscriptionStore = {
  async get(db: Db, subscriptionId: string): Promise<SubscriptionRow | undefined> {
    return (await selectByKey(db, subscriptionId.toLowerCase()))[0];
  },
  page(db: Db, after: string | undefined, limit: number): Promise<SubscriptionRow[]> {
    let q = db.selectFrom('subscriptions').selectAll();
    if (after !== undefined) q = q.where('key', '>', after);
    return q.orderBy('key').limit(limit).execute();
  },
  async insert(db: Db, row: SubscriptionRow): Promise<void> {
    await db.insertInto('subscriptions').values(row).execute();
  },
};
