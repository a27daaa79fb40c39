import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/** The `nodes` table: one row per running node, its heartbeat refreshed every few seconds. */
export const nodesStore = {
  async beat(db: Kysely<Schema>, nodeId: string, at: Date): Promise<void> {
    const heartbeat_at = at.toISOString();
    await db
      .insertInto('nodes')
      .values({ node_id: nodeId, heartbeat_at })
      .onConflict((oc) => oc.column('node_id').doUpdateSet({ heartbeat_at }))
      .execute();
  },

  /** Nodes whose heartbeat is newer than `since` (ISO strings compare in time order). */
  async countLive(db: Kysely<Schema>, since: Date): Promise<number> {
    const row = await db.selectFrom('nodes').select((eb) => eb.fn.countAll<number>().as('n')).where('heartbeat_at', '>', since.toISOString()).executeTakeFirst();
    return Number(row?.n ?? 0);
  },

  /** Rows of nodes long gone (killed without a clean stop), so the table stays small. */
  async prune(db: Kysely<Schema>, before: Date): Promise<void> {
    await db.deleteFrom('nodes').where('heartbeat_at', '<', before.toISOString()).execute();
  },

  async remove(db: Kysely<Schema>, nodeId: string): Promise<void> {
    await db.deleteFrom('nodes').where('node_id', '=', nodeId).execute();
  },
};
