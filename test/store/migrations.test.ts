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

for (const backend of list) {
  describe(`migrations on ${backend.name}`, () => {
    test('0009: role names a race left twice keep the oldest role, the others are renamed, and the name becomes unique', async () => {
      const spec = (await backend.database()) ?? path.join(dir, `roles-${backend.name}.db`);
      const old = rawHandle(spec);
      try {
        const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateTo('0008_generic_resource_list');
        assert.equal(error, undefined);
        await old
          .insertInto('role_definitions')
          .values([
            role('bbbbbbbb-0000-0000-0000-000000000002', 'Operators', '2026-01-01T00:00:00.000Z'),
            role('aaaaaaaa-0000-0000-0000-000000000001', 'operators', '2026-01-02T00:00:00.000Z'),
            role('cccccccc-0000-0000-0000-000000000003', 'OPERATORS', '2026-01-01T00:00:00.000Z'),
            role('dddddddd-0000-0000-0000-000000000004', 'Readers of things', '2026-01-03T00:00:00.000Z'),
          ])
          .execute();
      } finally {
        await old.destroy();
      }

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
