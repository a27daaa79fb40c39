import type { Selectable } from 'kysely';
import type { SubscriptionsTable } from './schema.js';
import type { Db } from './resources.js';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export const subscriptionStore = {
  get(db: Db, subscriptionId: string): Promise<SubscriptionRow | undefined> {
    return db.selectFrom('subscriptions').selectAll().where('key', '=', subscriptionId.toLowerCase()).executeTakeFirst();
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
