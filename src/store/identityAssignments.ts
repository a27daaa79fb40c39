import type { Db } from './resources.js';

/** identity_assignments: which hosts carry which user-assigned identities (rows outlive deleted identities). */
export const assignmentStore = {
  async add(db: Db, hostKey: string, identityKeys: string[], now: string): Promise<void> {
    if (!identityKeys.length) return;
    await db
      .insertInto('identity_assignments')
      .values(identityKeys.map((k) => ({ identity_key: k, host_key: hostKey, created_at: now })))
      .onConflict((oc) => oc.columns(['identity_key', 'host_key']).doNothing())
      .execute();
  },
  async remove(db: Db, hostKey: string, identityKeys: string[]): Promise<void> {
    if (!identityKeys.length) return;
    await db.deleteFrom('identity_assignments').where('host_key', '=', hostKey).where('identity_key', 'in', identityKeys).execute();
  },
  /** Everything hosts own besides their rows: their assignments and workload credentials. */
  async removeHosts(db: Db, hostKeys: string[]): Promise<void> {
    if (!hostKeys.length) return;
    await db.deleteFrom('identity_assignments').where('host_key', 'in', hostKeys).execute();
    await db.deleteFrom('host_credentials').where('host_key', 'in', hostKeys).execute();
  },
};
