import type { Db } from './resources.js';

/** Small named values the deployment needs once: tenant id, default subscription, the key-encryption-key check. */
export const settingsStore = {
  async get(db: Db, name: string): Promise<string | undefined> {
    const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  },
  async set(db: Db, name: string, value: string): Promise<void> {
    await db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  },
  /**
   * Sets `name` to `value` only if it still holds `expected` (undefined: the row does not exist yet). The change
   * counter that lets one node of several win a race (e.g. a key rotation): the loser's update finds no row.
   */
  async compareAndSet(db: Db, name: string, expected: string | undefined, value: string): Promise<boolean> {
    if (expected === undefined) {
      const inserted = await db.insertInto('settings').values({ name, value }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
    }
    const updated = await db.updateTable('settings').set({ value }).where('name', '=', name).where('value', '=', expected).executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  },
};
