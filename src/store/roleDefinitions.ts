import type { Selectable } from 'kysely';
import type { RoleDefinitionsTable } from './schema.js';
import type { Db } from './resources.js';
import { bumpRbacVersion } from './roleAssignments.js';

export type RoleDefinitionRow = Selectable<RoleDefinitionsTable>;

/** `role_definitions`: custom roles only; built-in roles live in code. */
export const roleDefinitionStore = {
  get(db: Db, id: string): Promise<RoleDefinitionRow | undefined> {
    return db.selectFrom('role_definitions').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  },
  byName(db: Db, roleName: string): Promise<RoleDefinitionRow | undefined> {
    return db.selectFrom('role_definitions').selectAll().where('role_name_key', '=', roleName.toLowerCase()).executeTakeFirst();
  },
  /**
   * Whether the custom role exists, holding it (PostgreSQL: a share lock until the transaction ends) so that a delete
   * of it waits for the caller's transaction, then sees what it wrote (an assignment referencing the role).
   */
  async holdExisting(db: Db, id: string, lock: boolean): Promise<boolean> {
    const query = db.selectFrom('role_definitions').select('id').where('id', '=', id.toLowerCase());
    return (await (lock ? query.forShare() : query).executeTakeFirst()) !== undefined;
  },
  all(db: Db): Promise<RoleDefinitionRow[]> {
    return db.selectFrom('role_definitions').selectAll().orderBy('id').execute();
  },
  async insert(db: Db, row: RoleDefinitionRow): Promise<void> {
    await db.insertInto('role_definitions').values(row).execute();
    await bumpRbacVersion(db);
  },
  /**
   * Replaces the version last changed at `expectedChangedAt` (compare-and-swap; creation fields stay): false when the
   * role moved on or is gone meanwhile, and nothing was written.
   */
  async update(db: Db, row: RoleDefinitionRow, expectedChangedAt: string): Promise<boolean> {
    const { id, created_at: _createdAt, created_by: _createdBy, ...rest } = row;
    const result = await db.updateTable('role_definitions').set(rest).where('id', '=', id).where('changed_at', '=', expectedChangedAt).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await bumpRbacVersion(db);
    return true;
  },
  /** Deletes the role; with `expectedChangedAt` only that version of it (compare-and-swap). */
  async delete(db: Db, id: string, expectedChangedAt?: string): Promise<boolean> {
    let query = db.deleteFrom('role_definitions').where('id', '=', id.toLowerCase());
    if (expectedChangedAt !== undefined) query = query.where('changed_at', '=', expectedChangedAt);
    const result = await query.executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) await bumpRbacVersion(db);
    return Number(result.numDeletedRows) > 0;
  },
};
