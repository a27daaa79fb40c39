import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/store/database.js';
import { resourceStore, type ResourceRow } from '../../src/store/resources.js';
import { principalStore } from '../../src/store/principals.js';
import { settingsStore } from '../../src/store/settings.js';
import { isUniqueViolation } from '../../src/arm/trackedResource.js';
import { backends } from '../support/backends.js';

const { backends: list, skipped } = await backends();
if (skipped) test.skip(`PostgreSQL store suite: ${skipped}`, () => {});

function row(sub: string, group: string, name: string, extra: Partial<ResourceRow> = {}): ResourceRow {
  const id = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  return {
    key: id.toLowerCase(),
    id,
    type: 'microsoft.managedidentity/userassignedidentities',
    subscription_id: sub,
    resource_group: group.toLowerCase(),
    parent_key: '',
    name,
    location: 'westus',
    tags: '{}',
    properties: '{}',
    etag: 'e1',
    created_at: '2026-01-01T00:00:00.000Z',
    changed_at: '2026-01-01T00:00:00.000Z',
    created_by: 'tester',
    changed_by: 'tester',
    ...extra,
  };
}

// The same suite against every backend: one store code path must behave identically on both.
for (const backend of list) {
  describe(`store on ${backend.name}`, () => {
    let database: Database;
    let dir: string;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-store-'));
      database = await openDatabase((await backend.database()) ?? path.join(dir, 'store.db'));
    });
    after(async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('migrations can run again on an up-to-date database', async () => {
      const spec = backend.name === 'sqlite' ? path.join(dir, 'store.db') : undefined;
      if (spec) {
        const again = await openDatabase(spec);
        await again.close();
      }
      assert.equal(await settingsStore.get(database.db, 'nothing'), undefined);
    });

    test('insert, get by key, and a duplicate key is recognised as a unique violation', async () => {
      const r = row('s1', 'G1', 'Id1');
      await resourceStore.insert(database.db, r);
      assert.deepEqual(await resourceStore.get(database.db, r.key), r);
      await assert.rejects(resourceStore.insert(database.db, r), (e) => isUniqueViolation(e));
    });

    test('replace succeeds only with the current etag', async () => {
      const r = row('s1', 'G1', 'etagged');
      await resourceStore.insert(database.db, r);
      assert.equal(await resourceStore.replace(database.db, { ...r, tags: '{"a":"1"}', etag: 'e2' }, 'stale'), false);
      assert.equal((await resourceStore.get(database.db, r.key))?.tags, '{}');
      assert.equal(await resourceStore.replace(database.db, { ...r, tags: '{"a":"1"}', etag: 'e2' }, 'e1'), true);
      const stored = await resourceStore.get(database.db, r.key);
      assert.equal(stored?.tags, '{"a":"1"}');
      assert.equal(stored?.etag, 'e2');
    });

    test('keyset pages cover a group exactly once, in key order, and stay inside the group', async () => {
      const names = Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`);
      await database.db.transaction().execute(async (trx) => {
        for (const n of names) await resourceStore.insert(trx, row('s2', 'paged', n));
        await resourceStore.insert(trx, row('s2', 'other', 'outsider'));
      });
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await resourceStore.page(database.db, { subscriptionKey: 's2', groupKey: 'paged', type: row('', '', '').type, after, limit: 10 });
        seen.push(...page.map((r) => r.name));
        if (page.length < 10) break;
        after = page[page.length - 1].key;
      }
      assert.deepEqual(seen, names);
      const whole = await resourceStore.page(database.db, { subscriptionKey: 's2', type: row('', '', '').type, limit: 100 });
      assert.equal(whole.length, 26);
    });

    test('deleting a managed identity principal removes its credentials too', async () => {
      await principalStore.insert(database.db, {
        object_id: 'o1',
        tenant_id: 't',
        kind: 'ManagedIdentity',
        app_id: 'a1',
        display_name: 'x',
        resource_key: 'res-1',
        created_at: 'now',
      });
      await principalStore.addCredential(database.db, { id: 'c1', principal_id: 'o1', secret_hash: 'h', hint: 'abc', created_at: 'now', expires_at: null });
      await principalStore.deleteByResourceKeys(database.db, ['res-1']);
      assert.equal(await principalStore.byObjectId(database.db, 'o1'), undefined);
      assert.deepEqual(await principalStore.credentialsOf(database.db, 'o1'), []);
    });

    test('settings are upserted', async () => {
      await settingsStore.set(database.db, 'k', 'v1');
      await settingsStore.set(database.db, 'k', 'v2');
      assert.equal(await settingsStore.get(database.db, 'k'), 'v2');
    });
  });
}

after(async () => {
  for (const b of list) await b.stop();
});
