import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { RoleAssignmentsTable } from './schema.js';
import type { Db } from './resources.js';

export type RoleAssignmentRow = Selectable<RoleAssignmentsTable>;

/** The settings row every node polls: changed in the same transaction as any assignment or definition write. */
export const RBAC_VERSION_SETTING = 'rbacVersion';

export async function bumpRbacVersion(db: Db): Promise<void> {
  const value = crypto.randomUUID();
  await db
    .insertInto('settings')
    .values({ name: RBAC_VERSION_SETTING, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/** `role_assignments`: one row per assignment, keyed by its lower-cased id. */
export const roleAssignmentStore = {
  get(db: Db, key: string): Promise<RoleAssignmentRow | undefined> {
    return db.selectFrom('role_assignments').selectAll().where('key', '=', key.toLowerCase()).executeTakeFirst();
  },
  byName(db: Db, name: string): Promise<RoleAssignmentRow | undefined> {
    return db.selectFrom('role_assignments').selectAll().where('name', '=', name.toLowerCase()).executeTakeFirst();
  },
  all(db: Db): Promise<RoleAssignmentRow[]> {
    return db.selectFrom('role_assignments').selectAll().orderBy('key').execute();
  },
  /** The same principal, role and scope under any name (RoleAssignmentExists). */
  duplicate(db: Db, scopeKey: string, principalId: string, roleGuid: string): Promise<RoleAssignmentRow[]> {
    return db
      .selectFrom('role_assignments')
      .selectAll()
      .where('scope_key', '=', scopeKey)
      .where('principal_id', '=', principalId.toLowerCase())
      .execute()
      .then((rows) => rows.filter((r) => roleGuidOf(r.role_definition_id) === roleGuid));
  },
  countForRole(db: Db, roleGuid: string): Promise<number> {
    return db
      .selectFrom('role_assignments')
      .select('role_definition_id')
      .execute()
      .then((rows) => rows.filter((r) => roleGuidOf(r.role_definition_id) === roleGuid).length);
  },
  async insert(db: Db, row: RoleAssignmentRow): Promise<void> {
    await db.insertInto('role_assignments').values(row).execute();
    await bumpRbacVersion(db);
  },
  /** Replaces the version last changed at `expectedChangedAt` (compare-and-swap): false when it moved on or is gone. */
  async update(db: Db, row: RoleAssignmentRow, expectedChangedAt: string): Promise<boolean> {
    const { key, ...rest } = row;
    const result = await db.updateTable('role_assignments').set(rest).where('key', '=', key).where('changed_at', '=', expectedChangedAt).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await bumpRbacVersion(db);
    return true;
  },
  /** Deletes the assignment; with `expectedChangedAt` only that version of it (compare-and-swap). */
  async delete(db: Db, key: string, expectedChangedAt?: string): Promise<boolean> {
    let query = db.deleteFrom('role_assignments').where('key', '=', key.toLowerCase());
    if (expectedChangedAt !== undefined) query = query.where('changed_at', '=', expectedChangedAt);
    const result = await query.executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) await bumpRbacVersion(db);
    return Number(result.numDeletedRows) > 0;
  },
  /** Removes the assignments at a scope and below it (the scope was deleted). */
  async deleteAtOrUnder(db: Db, scopeKey: string): Promise<number> {
    const prefix = `${scopeKey.toLowerCase()}/`;
    const result = await db
      .deleteFrom('role_assignments')
      .where((eb) => eb.or([eb('scope_key', '=', scopeKey.toLowerCase()), eb(sql<string>`substr(scope_key, 1, ${prefix.length})`, '=', prefix)]))
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    if (n > 0) await bumpRbacVersion(db);
    return n;
  },
};

/** The GUID at the end of a role definition id, lower-cased. */
export function roleGuidOf(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? '').toLowerCase();
}
