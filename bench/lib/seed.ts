/**
 * Seeds identities straight into a server's database, in the row shape the server writes
 * (src/arm/trackedResource.ts put() + userAssignedIdentities' properties), without their principals:
 * listing never reads those.
 *
 * Identity i is named `id-NNNNNNN` (i zero-padded), so keys sort in i order. Rows are NOT laid out in
 * key order, though, because that would make a page of 100 keys 100 neighbouring rows, which real
 * identities created over time are not:
 *   - SQLite stores rows by rowid; each row gets rowid ROWID_BASE + (i × 7919 mod 1,000,000), a
 *     permutation, while the inserts run in key order so the key indexes are built by appending (fast);
 *   - PostgreSQL stores rows in insert order; each 250,000-row batch is inserted as 100 interleaved
 *     runs (ordered by i mod 100, then i), so neighbouring keys land on different heap pages.
 */
import crypto from 'node:crypto';
import { resourceId } from '../../src/arm/ids.js';
import { USER_ASSIGNED_IDENTITY_TYPE } from '../../src/providers/managedIdentity/userAssignedIdentities.js';

export const NAME_SPACE = 1_000_000;
const STRIDE = 7919; // prime, so i ↦ i·STRIDE mod 10⁶ is a bijection
/** Far above any rowid the server has used, so seeded rows never collide with its own. */
const ROWID_BASE = 1_000_000_000;
const BATCH = 250_000;

export function nameOf(i: number): string {
  return `id-${String(i).padStart(7, '0')}`;
}
function rowidOf(i: number): number {
  return ROWID_BASE + ((i * STRIDE) % NAME_SPACE);
}

export interface SeedTarget {
  subscriptionId: string;
  resourceGroup: string;
  tenantId: string;
  /** Object id written as created_by / changed_by. */
  createdBy: string;
  location: string;
}

export const COLUMNS = ['key', 'id', 'type', 'subscription_id', 'resource_group', 'parent_key', 'name', 'location', 'tags', 'properties', 'etag', 'created_at', 'changed_at', 'created_by', 'changed_by'] as const;

export function identityRow(t: SeedTarget, i: number, now: string): unknown[] {
  const name = nameOf(i);
  const id = resourceId(t.subscriptionId, t.resourceGroup, USER_ASSIGNED_IDENTITY_TYPE, [name]);
  // Same key order as identityProperties() builds them.
  const properties = JSON.stringify({
    tenantId: t.tenantId,
    principalId: crypto.randomUUID(),
    clientId: crypto.randomUUID(),
    isolationScope: 'None',
    assignmentRestrictions: { providers: [] },
  });
  return [
    id.toLowerCase(),
    id,
    USER_ASSIGNED_IDENTITY_TYPE.toLowerCase(),
    t.subscriptionId.toLowerCase(),
    t.resourceGroup.toLowerCase(),
    '',
    name,
    t.location,
    '{}',
    properties,
    crypto.randomUUID(),
    now,
    now,
    t.createdBy,
    t.createdBy,
  ];
}

/** Inserts identities [from, to) into a SQLite file the server has open (WAL lets both in). Returns ms. */
export async function seedSqlite(file: string, t: SeedTarget, from: number, to: number): Promise<number> {
  const { default: Database } = await import('better-sqlite3');
  const started = Date.now();
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    // A big page cache for this connection only.
    db.pragma('cache_size = -1048576');
    const insert = db.prepare(`insert into resources (rowid, ${COLUMNS.join(', ')}) values (?, ${COLUMNS.map(() => '?').join(', ')})`);
    const now = new Date().toISOString();
    const batch = db.transaction((a: number, b: number) => {
      for (let i = a; i < b; i++) insert.run(rowidOf(i), ...identityRow(t, i, now));
    });
    for (let a = from; a < to; a += BATCH) batch(a, Math.min(to, a + BATCH));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return Date.now() - started;
}

/** The same rows generated inside PostgreSQL (one INSERT … SELECT over generate_series). */
export async function seedPostgres(url: string, t: SeedTarget, from: number, to: number): Promise<number> {
  const { default: pg } = await import('pg');
  const started = Date.now();
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const idPrefix = resourceId(t.subscriptionId, t.resourceGroup, USER_ASSIGNED_IDENTITY_TYPE, ['']);
    const name = `'id-' || lpad(g::text, 7, '0')`;
    const sql = `
      insert into resources (${COLUMNS.join(', ')})
      select lower($1 || n.name), $1 || n.name, $2, $3, $4, '', n.name, $5, '{}',
             '{"tenantId":"' || $6 || '","principalId":"' || gen_random_uuid() || '","clientId":"' || gen_random_uuid() || '","isolationScope":"None","assignmentRestrictions":{"providers":[]}}',
             gen_random_uuid()::text, $7, $7, $8, $8
      from generate_series($9::int, $10::int - 1) g, lateral (select ${name} as name) n
      order by g % 100, g`;
    const now = new Date().toISOString();
    for (let a = from; a < to; a += BATCH) {
      const b = Math.min(to, a + BATCH);
      await client.query(sql, [
        idPrefix,
        USER_ASSIGNED_IDENTITY_TYPE.toLowerCase(),
        t.subscriptionId.toLowerCase(),
        t.resourceGroup.toLowerCase(),
        t.location,
        t.tenantId,
        now,
        t.createdBy,
        a,
        b,
      ]);
    }
    await client.query('vacuum analyze resources');
  } finally {
    await client.end();
  }
  return Date.now() - started;
}

/** better-sqlite3 single-row inserts (each its own transaction) into a table shaped like `resources`, with its indexes. */
export async function sqliteInsertBaseline(file: string, seconds: number): Promise<{ rowsPerSecond: number; rows: number }> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      create table resources (key text primary key, id text not null, type text not null, subscription_id text not null,
        resource_group text not null, parent_key text not null, name text not null, location text, tags text,
        properties text not null, etag text not null, created_at text not null, changed_at text not null,
        created_by text not null, changed_by text not null);
      create index resources_by_group on resources (subscription_id, resource_group, type, key);
      create index resources_by_subscription on resources (subscription_id, type, key);
      create index resources_by_parent on resources (parent_key, type, key);`);
    const insert = db.prepare(`insert into resources (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
    const t: SeedTarget = { subscriptionId: crypto.randomUUID(), resourceGroup: 'rg', tenantId: crypto.randomUUID(), createdBy: crypto.randomUUID(), location: 'westus' };
    const now = new Date().toISOString();
    // Warm up, then count for `seconds`.
    let i = 0;
    for (const end = Date.now() + 300; Date.now() < end; ) insert.run(identityRow(t, i++ % NAME_SPACE, now));
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round(seconds * 1e9));
    let rows = 0;
    while (process.hrtime.bigint() - start < limit) {
      for (let k = 0; k < 100; k++, rows++) insert.run(identityRow(t, i++ % NAME_SPACE, now));
    }
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    return { rowsPerSecond: rows / elapsed, rows };
  } finally {
    db.close();
  }
}
