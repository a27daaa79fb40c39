import type { Insertable, Selectable } from 'kysely';
import type { ApplicationsTable } from './schema.js';
import type { Db } from './resources.js';

export type ApplicationRow = Selectable<ApplicationsTable>;

/**
 * Application objects (app registrations). An application's client secrets are rows of `credentials`
 * whose principal_id is the application's object id; its service principal is the `principals` row
 * of kind 'ServicePrincipal' with the same app_id.
 */
export const applicationStore = {
  byObjectId(db: Db, tenantId: string, objectId: string): Promise<ApplicationRow | undefined> {
    return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('object_id', '=', objectId.toLowerCase()).executeTakeFirst();
  },
  byAppId(db: Db, appId: string): Promise<ApplicationRow | undefined> {
    return db.selectFrom('applications').selectAll().where('app_id', '=', appId.toLowerCase()).executeTakeFirst();
  },
  list(db: Db, tenantId: string): Promise<ApplicationRow[]> {
    return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).orderBy('object_id').execute();
  },
  byObjectIds(db: Db, tenantId: string, objectIds: string[]): Promise<ApplicationRow[]> {
    if (!objectIds.length) return Promise.resolve([]);
    return db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('object_id', 'in', objectIds).execute();
  },
  async insert(db: Db, row: Insertable<ApplicationsTable>): Promise<void> {
    await db.insertInto('applications').values(row).execute();
  },
  async setDisplayName(db: Db, objectId: string, displayName: string): Promise<void> {
    await db.updateTable('applications').set({ display_name: displayName }).where('object_id', '=', objectId).execute();
  },
  /** Removes the application and its secrets. */
  async delete(db: Db, objectId: string): Promise<void> {
    await db.deleteFrom('credentials').where('principal_id', '=', objectId).execute();
    await db.deleteFrom('applications').where('object_id', '=', objectId).execute();
  },
};
