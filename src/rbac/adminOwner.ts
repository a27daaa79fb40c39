import crypto from 'node:crypto';
import type { Database } from '../store/database.js';
import type { Db } from '../store/resources.js';
import { settingsStore } from '../store/settings.js';
import { roleAssignmentStore } from '../store/roleAssignments.js';
import { isUniqueViolation } from '../arm/trackedResource.js';
import { OWNER_ROLE_ID } from './builtInRoles.js';

/** Set once the bootstrap administrator has been given Owner at `/`; later starts leave assignments alone. */
export const ADMIN_OWNER_SETTING = 'rbacAdminOwner';

/** The bootstrap administrator's Owner assignment at `/`, in the caller's transaction. */
export async function insertAdminOwner(trx: Db, adminObjectId: string, now: string): Promise<void> {
  // Inserted (not upserted) first: a second node doing the same fails on the primary key and backs off.
  await trx.insertInto('settings').values({ name: ADMIN_OWNER_SETTING, value: now }).execute();
  const name = crypto.randomUUID();
  const id = `/providers/Microsoft.Authorization/roleAssignments/${name}`;
  await roleAssignmentStore.insert(trx, {
    key: id.toLowerCase(),
    id,
    name,
    scope: '/',
    scope_key: '/',
    role_definition_id: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE_ID}`,
    principal_id: adminObjectId.toLowerCase(),
    principal_type: 'ServicePrincipal',
    description: 'Bootstrap administrator',
    condition: null,
    condition_version: null,
    created_at: now,
    changed_at: now,
    created_by: adminObjectId.toLowerCase(),
    changed_by: adminObjectId.toLowerCase(),
  });
}

/** A database bootstrapped before RBAC existed: give its administrator Owner at `/` once. */
export async function ensureAdminOwner(database: Database): Promise<void> {
  if (await settingsStore.get(database.db, ADMIN_OWNER_SETTING)) return;
  const admin = await settingsStore.get(database.db, 'adminObjectId');
  if (!admin) return;
  try {
    await database.db.transaction().execute((trx) => insertAdminOwner(trx, admin, new Date().toISOString()));
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
}
