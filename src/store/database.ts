import { Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Schema } from './schema.js';
import { migrate } from './migrations.js';
import { preparingClient } from './preparedStatements.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  close(): Promise<void>;
  /** PostgreSQL only: the connection pool's counts, for /metrics. */
  poolStats?: () => { total: number; idle: number; waiting: number };
  /**
   * Runs `fn` while no other node runs an `exclusive` section on the same database: migrations and bootstrap when
   * several nodes start at the same moment. PostgreSQL: a session advisory lock held on one pooled connection while
   * `fn` uses the others; SQLite is one process, whose own writes are serialised already.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

/** The advisory lock key of Amity's start-up section (any constant; 'amity' in ASCII). */
const STARTUP_LOCK_KEY = 0x616d697479;

/** Opens a SQLite file (the embedded default) or a `postgres://` URL, and brings its schema up to date. */
export async function openDatabase(spec: string): Promise<Database> {
  const database = /^postgres(ql)?:\/\//i.test(spec) ? await openPostgres(spec) : await openSqlite(spec);
  try {
    await database.exclusive(() => migrate(database.db));
  } catch (e) {
    await database.close();
    throw e;
  }
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
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', exclusive: (fn) => fn(), close: () => db.destroy() };
}

const STATEMENT_CACHE_LIMIT = 256;

/**
 * Kysely's SQLite driver prepares every query afresh, which costs more than running a point read.
 * Prepared statements are reusable, so keep the most recent ones by their SQL text. Safe because the
 * driver runs one query at a time (a mutex over the single connection) and all()/run() complete
 * synchronously; a statement still being iterated (a stream) is never handed out twice.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt?.busy) return sqlite.prepare(sql);
      if (stmt === undefined) {
        stmt = sqlite.prepare(sql);
        // Bounded, oldest out first: SQL with a varying number of values (`in (?, ?, …)`) keeps making new texts.
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import('pg');
  // Named prepared statements: PostgreSQL parses and plans each hot statement once per connection (preparedStatements.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10, Client: preparingClient(pg) });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
    db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${STARTUP_LOCK_KEY}::bigint)`.execute(conn);
      try {
        return await fn();
      } finally {
        await sql`select pg_advisory_unlock(${STARTUP_LOCK_KEY}::bigint)`.execute(conn);
      }
    });
  return { db, dialect: 'postgres', exclusive, close: () => db.destroy(), poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) };
}
