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
  async addCredential(db: Db, row: Insertable<CredentialsTable>): Promise<void> {
    await db.insertInto('credentials').values(row).execute();
  },
};
