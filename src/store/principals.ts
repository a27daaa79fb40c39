import type { Insertable, Selectable } from 'kysely';
import type { CredentialsTable, PrincipalsTable } from './schema.js';
import type { Db } from './resources.js';

export type PrincipalRow = Selectable<PrincipalsTable>;
export type CredentialRow = Selectable<CredentialsTable>;

/** Directory objects: service principals, users and the principals behind managed identities. */
export const principalStore = {
  byObjectId(db: Db, objectId: string): Promise<PrincipalRow | undefined> {
    return db.selectFrom('principals').selectAll().where('object_id', '=', objectId.toLowerCase()).executeTakeFirst();
  },
  byAppId(db: Db, appId: string): Promise<PrincipalRow | undefined> {
    return db.selectFrom('principals').selectAll().where('app_id', '=', appId.toLowerCase()).executeTakeFirst();
  },
  /** A user by sign-in name (stored lower-cased, compared case-insensitively) in a tenant. */
  userByPrincipalName(db: Db, tenantId: string, userPrincipalName: string): Promise<PrincipalRow | undefined> {
    return db
      .selectFrom('principals')
      .selectAll()
      .where('user_principal_name', '=', userPrincipalName.toLowerCase())
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'User')
      .executeTakeFirst();
  },
  /** Counts one more failed password; returns the new count (one statement, so concurrent failures all count). */
  async addFailedSignIn(db: Db, objectId: string): Promise<number> {
    const row = await db
      .updateTable('principals')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('object_id', '=', objectId)
      .returning('failed_sign_ins')
      .executeTakeFirst();
    return row?.failed_sign_ins ?? 0;
  },
  /** Locks the account until `until` and starts counting afresh. */
  async lock(db: Db, objectId: string, until: string): Promise<void> {
    await db.updateTable('principals').set({ locked_until: until, failed_sign_ins: 0 }).where('object_id', '=', objectId).execute();
  },
  /** After a successful sign-in: no failures, no lock. */
  async clearFailedSignIns(db: Db, objectId: string): Promise<void> {
    await db.updateTable('principals').set({ locked_until: null, failed_sign_ins: 0 }).where('object_id', '=', objectId).execute();
  },
  async insert(db: Db, row: Insertable<PrincipalsTable>): Promise<void> {
    await db.insertInto('principals').values(row).execute();
  },
  /** Removes the principals a resource owns (its managed identities) and their credentials. */
  async deleteByResourceKeys(db: Db, resourceKeys: string[]): Promise<void> {
    if (!resourceKeys.length) return;
    const owned = db.selectFrom('principals').select('object_id').where('resource_key', 'in', resourceKeys);
    await db.deleteFrom('credentials').where('principal_id', 'in', owned).execute();
    await db.deleteFrom('principals').where('resource_key', 'in', resourceKeys).execute();
  },
  credentialsOf(db: Db, principalId: string): Promise<CredentialRow[]> {
    return db.selectFrom('credentials').selectAll().where('principal_id', '=', principalId).execute();
  },
  /** Replaces a credential's stored hash (the same secret, hashed in its current form). */
  async rehashCredential(db: Db, id: string, from: string, to: string): Promise<void> {
    await db.updateTable('credentials').set({ secret_hash: to }).where('id', '=', id).where('secret_hash', '=', from).execute();
  },
  async addCredential(db: Db, row: Insertable<CredentialsTable>): Promise<void> {
    await db.insertInto('credentials').values(row).execute();
  },
};
