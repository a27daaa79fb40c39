import { startPostgres, type PgCluster } from './postgres.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh database spec for one server (undefined = SQLite in the server's data folder), or a skip reason. */
  database(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * The backends every store-touching suite runs against: SQLite always, PostgreSQL when its binaries
 * exist (required under CI=true). Each suite gets its own throwaway cluster.
 */
export async function backends(): Promise<{ backends: Backend[]; skipped?: string }> {
  const sqlite: Backend = { name: 'sqlite', database: async () => undefined, stop: async () => undefined };
  const pg = await startPostgres();
  if ('skip' in pg) return { backends: [sqlite], skipped: pg.skip };
  const cluster: PgCluster = pg;
  let n = 0;
  const postgres: Backend = {
    name: 'postgres',
    database: () => cluster.createDatabase(`amity_db_${process.pid}_${++n}`),
    stop: () => cluster.stop(),
  };
  return { backends: [sqlite, postgres] };
}
