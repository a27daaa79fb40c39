import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import type { Schema } from './schema.js';
import { migrate } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Opens a SQLite file (the embedded default) or a `postgres://` URL, and brings its schema up to date. */
export async function openDatabase(spec: string): Promise<Database> {
  const database = /^postgres(ql)?:\/\//i.test(spec) ? await openPostgres(spec) : await openSqlite(spec);
  await migrate(database.db);
  return database;
}

async function openSqlite(file: string): Promise<Database> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Created 0600 before SQLite opens it: its -wal and -shm files inherit the mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const sqlite = new SqliteDatabase(file);
  // WAL with synchronous=NORMAL is durable across process crashes and ~5x faster than FULL for writes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
