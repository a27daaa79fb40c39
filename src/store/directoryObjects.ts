import type { Selectable } from 'kysely';
import type { CredentialsTable, PrincipalsTable } from './schema.js';
import type { Db } from './resources.js';

export type DirectoryPrincipal = Selectable<PrincipalsTable> & {
  /** For a managed identity: the ARM id of the identity as written (case kept), when the resource still exists. */
  resource_id: string | null;
};

/** A tenant's principals, each with its managed identity's ARM id as the resource row spells it (`resource_id`). */
function tenantPrincipals(db: Db, tenantId: string) {
  return db
    .selectFrom('principals')
    .leftJoin('resources', 'resources.key', 'principals.resource_key')
    .selectAll('principals')
    .select('resources.id as resource_id')
    .where('principals.tenant_id', '=', tenantId);
}

/** Queries the Graph directory API needs over `principals` and `credentials` (users, service principals, managed identities). */
export const directoryObjectStore = {
  list(db: Db, tenantId: string, kinds: string[]): Promise<DirectoryPrincipal[]> {
    return tenantPrincipals(db, tenantId)
      .where('principals.kind', 'in', kinds)
      .orderBy('principals.object_id')
      .execute();
  },
  byObjectIds(db: Db, tenantId: string, objectIds: string[]): Promise<DirectoryPrincipal[]> {
    if (!objectIds.length) return Promise.resolve([]);
    return tenantPrincipals(db, tenantId)
      .where('principals.object_id', 'in', objectIds.map((id) => id.toLowerCase()))
      .execute();
  },
  async byObjectId(db: Db, tenantId: string, objectId: string): Promise<DirectoryPrincipal | undefined> {
    return (await directoryObjectStore.byObjectIds(db, tenantId, [objectId]))[0];
  },
  async userByPrincipalName(db: Db, tenantId: string, upn: string): Promise<DirectoryPrincipal | undefined> {
    const row = await db
      .selectFrom('principals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'User')
      .where('user_principal_name', '=', upn.toLowerCase())
      .executeTakeFirst();
    return row && { ...row, resource_id: null };
  },
  async updateUser(db: Db, objectId: string, changes: { display_name?: string; user_principal_name?: string; account_enabled?: number }): Promise<void> {
    if (!Object.keys(changes).length) return;
    await db.updateTable('principals').set(changes).where('object_id', '=', objectId).execute();
  },
  /** Removes a principal and its credentials. */
  async deletePrincipal(db: Db, objectId: string): Promise<void> {
    await db.deleteFrom('credentials').where('principal_id', '=', objectId).execute();
    await db.deleteFrom('principals').where('object_id', '=', objectId).execute();
  },
  credentialsOf(db: Db, ownerId: string, kind: string): Promise<Selectable<CredentialsTable>[]> {
    return db.selectFrom('credentials').selectAll().where('principal_id', '=', ownerId).where('kind', '=', kind).orderBy('created_at').orderBy('id').execute();
  },
  /** The client secrets of several owners at once (applications or service principals). */
  secretsOf(db: Db, ownerIds: string[]): Promise<Selectable<CredentialsTable>[]> {
    if (!ownerIds.length) return Promise.resolve([]);
    return db.selectFrom('credentials').selectAll().where('principal_id', 'in', ownerIds).where('kind', '=', 'secret').orderBy('created_at').orderBy('id').execute();
  },
  async deleteCredentials(db: Db, ownerId: string, kind: string): Promise<void> {
    await db.deleteFrom('credentials').where('principal_id', '=', ownerId).where('kind', '=', kind).execute();
  },
  /** Removes one credential; false when the owner has no credential with that key id. */
  async deleteCredential(db: Db, ownerId: string, keyId: string): Promise<boolean> {
    const res = await db.deleteFrom('credentials').where('principal_id', '=', ownerId).where('id', '=', keyId.toLowerCase()).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  },
};
