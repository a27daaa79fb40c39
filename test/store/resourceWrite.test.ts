import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/store/database.js';
import { resourceStore, type ResourceRow } from '../../src/store/resources.js';
import { principalStore } from '../../src/store/principals.js';
import { writeResource, type OwnedInsert, type ResourceWrite } from '../../src/store/resourceWrite.js';
import { isUniqueViolation } from '../../src/arm/trackedResource.js';
import { backends } from '../support/backends.js';

const { backends: list, skipped } = await backends();
if (skipped) test.skip(`PostgreSQL resource-write suite: ${skipped}`, () => {});

const SUB = '00000000-0000-0000-0000-0000000000aa';

function resource(name: string, extra: Partial<ResourceRow> = {}): ResourceRow {
  const id = name === 'rg' ? `/subscriptions/${SUB}/resourceGroups/rg` : `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  return {
    key: id.toLowerCase(),
    id,
    type: name === 'rg' ? 'microsoft.resources/resourcegroups' : 'microsoft.managedidentity/userassignedidentities',
    subscription_id: SUB,
    resource_group: 'rg',
    parent_key: '',
    name,
    location: 'westus',
    tags: '{}',
    properties: '{}',
    etag: `etag-${name}-1`,
    created_at: '2026-01-01T00:00:00.000Z',
    changed_at: '2026-01-01T00:00:00.000Z',
    created_by: 'tester',
    changed_by: 'tester',
    ...extra,
  };
}

function principal(objectId: string, owner: ResourceRow): OwnedInsert {
  return {
    table: 'principals',
    row: { object_id: objectId, tenant_id: 't', kind: 'ManagedIdentity', app_id: `app-${objectId}`, display_name: owner.name, resource_key: owner.key, created_at: owner.created_at },
  };
}

function event(id: string, statusCode: number): OwnedInsert {
  return {
    table: 'activity_log',
    row: {
      id,
      subscription_id: SUB,
      event_time: '2026-01-01T00:00:00.000Z',
      correlation_id: 'c',
      caller: 'tester',
      caller_object_id: 'tester',
      operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      http_method: 'PUT',
      scope: '/x',
      status: 'Succeeded',
      status_code: statusCode,
      properties: '{}',
    },
  };
}

// The PostgreSQL form is one statement (CTEs) and the SQLite form statements in turn: both must keep the write atomic.
for (const backend of list) {
  describe(`resource write on ${backend.name}`, () => {
    let database: Database;
    let dir: string;
    const group = resource('rg');
    // PostgreSQL checks the group in the write's own statement; SQLite callers read it in their transaction instead.
    const guardFor = (etag = group.etag) => (database.dialect === 'postgres' ? { key: group.key, etag } : undefined);
    const write = (w: ResourceWrite) => (database.dialect === 'postgres' ? writeResource(database.db, 'postgres', w) : database.db.transaction().execute((trx) => writeResource(trx, 'sqlite', w)));
    const events = async (id: string) => (await database.db.selectFrom('activity_log').selectAll().where('id', '=', id).execute()).map((r) => ({ ...r, status_code: Number(r.status_code) }));

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-rw-'));
      database = await openDatabase((await backend.database()) ?? path.join(dir, 'store.db'));
      await resourceStore.insert(database.db, group);
    });
    after(async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('a create writes the row, its principal and its event, the event status an integer', async () => {
      const row = resource('one');
      assert.equal(await write({ row, guard: guardFor(), owned: [principal('p-one', row), event('e-one', 201)] }), true);
      assert.deepEqual(await resourceStore.get(database.db, row.key), row);
      assert.equal((await principalStore.byObjectId(database.db, 'p-one'))?.resource_key, row.key);
      const [stored] = await events('e-one');
      assert.equal(stored?.status_code, 201);
      assert.equal(typeof (await database.db.selectFrom('activity_log').select('status_code').where('id', '=', 'e-one').executeTakeFirst())?.status_code, 'number');
    });

    test('a replace at the current etag keeps creation time and creator and writes its event', async () => {
      const before = (await resourceStore.get(database.db, resource('one').key))!;
      const row = resource('one', { etag: 'etag-one-2', tags: '{"a":"b"}', created_at: '2030-01-01T00:00:00.000Z', created_by: 'someone-else', changed_by: 'changer' });
      assert.equal(await write({ row, expectedEtag: before.etag, guard: guardFor(), owned: [event('e-one-2', 200)] }), true);
      const after = await resourceStore.get(database.db, row.key);
      assert.deepEqual(after, { ...row, created_at: before.created_at, created_by: before.created_by });
      assert.equal((await events('e-one-2')).length, 1);
    });

    test('a replace at a stale etag writes nothing, not even its event', async () => {
      const current = (await resourceStore.get(database.db, resource('one').key))!;
      const row = resource('one', { etag: 'etag-one-3', tags: '{"lost":"update"}' });
      assert.equal(await write({ row, expectedEtag: 'etag-one-1', guard: guardFor(), owned: [event('e-one-3', 200)] }), false);
      assert.deepEqual(await resourceStore.get(database.db, row.key), current);
      assert.deepEqual(await events('e-one-3'), []);
    });

    // SQLite reads the group in the write's transaction instead of guarding the statement.
    if (backend.name === 'postgres')
      test('a create against a group that moved on writes nothing, not even its principal or event', async () => {
      const row = resource('two');
      assert.equal(await write({ row, guard: guardFor('etag-of-a-deleted-group'), owned: [principal('p-two', row), event('e-two', 201)] }), false);
      assert.equal(await resourceStore.get(database.db, row.key), undefined);
      assert.equal(await principalStore.byObjectId(database.db, 'p-two'), undefined);
      assert.deepEqual(await events('e-two'), []);
    });

    test('an owned row that cannot be inserted undoes the whole write', async () => {
      const row = resource('three');
      // p-one exists already: its primary key refuses a second row.
      await assert.rejects(write({ row, guard: guardFor(), owned: [principal('p-one', row), event('e-three', 201)] }), (e) => isUniqueViolation(e));
      assert.equal(await resourceStore.get(database.db, row.key), undefined);
      assert.deepEqual(await events('e-three'), []);
    });

    test('a second create of the same key is a unique violation and leaves the first intact', async () => {
      const first = (await resourceStore.get(database.db, resource('one').key))!;
      const row = resource('one', { etag: 'etag-dup' });
      await assert.rejects(write({ row, guard: guardFor(), owned: [principal('p-dup', row), event('e-dup', 201)] }), (e) => isUniqueViolation(e));
      assert.deepEqual(await resourceStore.get(database.db, row.key), first);
      assert.equal(await principalStore.byObjectId(database.db, 'p-dup'), undefined);
    });
  });
}
