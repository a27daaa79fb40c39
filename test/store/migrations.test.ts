import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/database.js';
import { isUniqueViolation } from '../../src/arm/trackedResource.js';
import { backends } from '../support/backends.js';

const { backends: list, skipped } = await backends();
if (skipped) test.skip(`PostgreSQL migration suite: ${skipped}`, () => {});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-migrations-'));
after(async () => {
  for (const b of list) await b.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Kysely handle on the database that runs no migration by itself, as a database of an older version would be found. */
function rawHandle(spec: string): Kysely<any> {
  return spec.startsWith('postgres') ? new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: spec }) }) }) : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(spec) }) });
}

function role(id: string, name: string, createdAt: string) {
  return {
    id,
    scope_key: '/subscriptions/s',
    scope: '/subscriptions/s',
    role_name: name,
    role_name_key: name.toLowerCase(),
    description: '',
    permissions: '[]',
    assignable_scopes: '["/subscriptions/s"]',
    created_at: createdAt,
    changed_at: createdAt,
    created_by: 'tester',
    changed_by: 'tester',
  };
}

function grant(name: string, roleDefinitionId: string, principalId: string, createdAt: string) {
  const scope = '/subscriptions/s/resourceGroups/rg';
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  return {
    key: id.toLowerCase(),
    id,
    name,
    scope,
    scope_key: scope.toLowerCase(),
    role_definition_id: roleDefinitionId,
    principal_id: principalId,
    principal_type: 'ServicePrincipal',
    description: null,
    condition: null,
    condition_version: null,
    created_at: createdAt,
    changed_at: createdAt,
    created_by: 'tester',
    changed_by: 'tester',
  };
}

/** A database of this backend at `version`, with `seed` written into it by a handle that migrates nothing further. */
async function databaseAt(backend: (typeof list)[number], version: string, seed: (db: Kysely<any>) => Promise<void>): Promise<string> {
  const spec = (await backend.database()) ?? path.join(dir, `${version}-${backend.name}.db`);
  const old = rawHandle(spec);
  try {
    const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateTo(version);
    assert.equal(error, undefined);
    await seed(old);
  } finally {
    await old.destroy();
  }
  return spec;
}

for (const backend of list) {
  describe(`migrations on ${backend.name}`, () => {
    test('0010: a grant a race left twice keeps its oldest assignment, and one role for one principal at one scope becomes unique', async () => {
      const reader = '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7';
      const readerUpper = reader.replace('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'ACDD72A7-3385-48EF-BD42-F606FBA81AE7');
      const contributor = '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c';
      const spec = await databaseAt(backend, '0009_unique_role_names', (db) =>
        db
          .insertInto('role_assignments')
          .values([
            grant('22222222-0000-0000-0000-000000000000', reader, 'p1', '2026-01-01T00:00:00.000Z'),
            grant('11111111-0000-0000-0000-000000000000', readerUpper, 'p1', '2026-01-02T00:00:00.000Z'),
            grant('33333333-0000-0000-0000-000000000000', contributor, 'p1', '2026-01-02T00:00:00.000Z'),
            grant('44444444-0000-0000-0000-000000000000', reader, 'p2', '2026-01-02T00:00:00.000Z'),
          ])
          .execute()
          .then(() => undefined),
      );
      const database = await openDatabase(spec);
      try {
        const names = (await database.db.selectFrom('role_assignments').select('name').orderBy('name').execute()).map((r) => r.name);
        assert.deepEqual(names, ['22222222-0000-0000-0000-000000000000', '33333333-0000-0000-0000-000000000000', '44444444-0000-0000-0000-000000000000']);
        await assert.rejects(
          database.db.insertInto('role_assignments').values(grant('55555555-0000-0000-0000-000000000000', readerUpper, 'p2', '2026-01-03T00:00:00.000Z')).execute(),
          (e) => isUniqueViolation(e),
        );
      } finally {
        await database.close();
      }
    });

    test('0009: role names a race left twice keep the oldest role, the others are renamed, and the name becomes unique', async () => {
      const spec = await databaseAt(backend, '0008_generic_resource_list', (db) =>
        db
          .insertInto('role_definitions')
          .values([
            role('bbbbbbbb-0000-0000-0000-000000000002', 'Operators', '2026-01-01T00:00:00.000Z'),
            role('aaaaaaaa-0000-0000-0000-000000000001', 'operators', '2026-01-02T00:00:00.000Z'),
            role('cccccccc-0000-0000-0000-000000000003', 'OPERATORS', '2026-01-01T00:00:00.000Z'),
            role('dddddddd-0000-0000-0000-000000000004', 'Readers of things', '2026-01-03T00:00:00.000Z'),
          ])
          .execute()
          .then(() => undefined),
      );

      const database = await openDatabase(spec);
      try {
        const rows = await database.db.selectFrom('role_definitions').select(['id', 'role_name', 'role_name_key']).orderBy('id').execute();
        assert.deepEqual(rows, [
          { id: 'aaaaaaaa-0000-0000-0000-000000000001', role_name: 'operators (aaaaaaaa)', role_name_key: 'operators (aaaaaaaa)' },
          // The oldest keeps its name; of two created in the same instant, the lower id.
          { id: 'bbbbbbbb-0000-0000-0000-000000000002', role_name: 'Operators', role_name_key: 'operators' },
          { id: 'cccccccc-0000-0000-0000-000000000003', role_name: 'OPERATORS (cccccccc)', role_name_key: 'operators (cccccccc)' },
          { id: 'dddddddd-0000-0000-0000-000000000004', role_name: 'Readers of things', role_name_key: 'readers of things' },
        ]);
        await assert.rejects(
          database.db.insertInto('role_definitions').values(role('eeeeeeee-0000-0000-0000-000000000005', 'Readers Of Things', '2026-01-04T00:00:00.000Z')).execute(),
          (e) => isUniqueViolation(e),
        );
      } finally {
        await database.close();
      }
    });
  });
}
