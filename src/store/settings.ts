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
};
