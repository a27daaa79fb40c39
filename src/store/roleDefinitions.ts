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
  all(db: Db): Promise<RoleDefinitionRow[]> {
    return db.selectFrom('role_definitions').selectAll().orderBy('id').execute();
  },
  async upsert(db: Db, row: RoleDefinitionRow, exists: boolean): Promise<void> {
    if (exists) {
      const { id, ...rest } = row;
      await db.updateTable('role_definitions').set({ ...rest, created_at: undefined, created_by: undefined } as never).where('id', '=', id).execute();
    } else {
      await db.insertInto('role_definitions').values(row).execute();
    }
    await bumpRbacVersion(db);
  },
  async delete(db: Db, id: string): Promise<boolean> {
    const result = await db.deleteFrom('role_definitions').where('id', '=', id.toLowerCase()).executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) await bumpRbacVersion(db);
    return Number(result.numDeletedRows) > 0;
  },
};
