import type { Selectable } from 'kysely';
import type { SigningKeysTable } from './schema.js';
import type { Db } from './resources.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export const signingKeyStore = {
  all(db: Db): Promise<SigningKeyRow[]> {
    return db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
  },
  async insert(db: Db, row: SigningKeyRow): Promise<void> {
    await db.insertInto('signing_keys').values(row).execute();
  },
  async retire(db: Db, kid: string, at: string): Promise<void> {
    await db.updateTable('signing_keys').set({ retired_at: at }).where('kid', '=', kid).where('retired_at', 'is', null).execute();
  },
  async deleteRetiredBefore(db: Db, before: string): Promise<void> {
    await db.deleteFrom('signing_keys').where('retired_at', '<', before).execute();
  },
};
