import type { Selectable } from 'kysely';
import type { PortalSessionsTable } from '../store/schema.js';
import type { Db } from '../store/resources.js';

export type PortalSessionRow = Selectable<PortalSessionsTable>;

/** Portal sessions by the hash of their id (the same queries on SQLite and PostgreSQL). */
export const portalSessionStore = {
  async insert(db: Db, row: PortalSessionRow): Promise<void> {
    await db.insertInto('portal_sessions').values(row).execute();
  },
  byHash(db: Db, idHash: string): Promise<PortalSessionRow | undefined> {
    return db.selectFrom('portal_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  },
  async touch(db: Db, idHash: string, now: string): Promise<void> {
    await db.updateTable('portal_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  },
  async delete(db: Db, idHash: string): Promise<void> {
    await db.deleteFrom('portal_sessions').where('id_hash', '=', idHash).execute();
  },
  /** Sessions past their absolute end or idle since before `idleBefore`. */
  async purgeExpired(db: Db, now: string, idleBefore: string): Promise<void> {
    await db.deleteFrom('portal_sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)])).execute();
  },
};
