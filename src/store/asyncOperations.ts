import type { Selectable } from 'kysely';
import type { AsyncOperationsTable } from './schema.js';
import type { Db } from './resources.js';

export type AsyncOperationRow = Selectable<AsyncOperationsTable>;

/** Long-running operations (a resource group delete), polled through their Location URL. */
export const asyncOperationStore = {
  get(db: Db, id: string): Promise<AsyncOperationRow | undefined> {
    return db.selectFrom('async_operations').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  },
  async insert(db: Db, row: AsyncOperationRow): Promise<void> {
    await db.insertInto('async_operations').values(row).execute();
  },
  async finish(db: Db, id: string, status: string, error: string | null, at: string): Promise<void> {
    await db.updateTable('async_operations').set({ status, error, changed_at: at }).where('id', '=', id).execute();
  },
  running(db: Db): Promise<AsyncOperationRow[]> {
    return db.selectFrom('async_operations').selectAll().where('status', '=', 'Running').execute();
  },
};
