import { createQueryId, type CompiledQuery } from 'kysely';
import type { Db } from './resources.js';

/**
 * A hot query whose SQL never changes, only its values: built and compiled once per database handle
 * and then run with new parameters. Kysely otherwise rebuilds and recompiles it on every call, which
 * costs about as much as the SQLite read itself. `build` must bind exactly `arity` values, in the
 * order the caller passes them.
 */
export function compiledOnce<R>(arity: number, build: (db: Db) => { compile(): CompiledQuery<R> }): (db: Db, ...parameters: unknown[]) => Promise<R[]> {
  const byDb = new WeakMap<Db, CompiledQuery<R>>();
  return async (db, ...parameters) => {
    let compiled = byDb.get(db);
    if (compiled === undefined) {
      compiled = build(db).compile();
      if (compiled.parameters.length !== arity) throw new Error(`compiled query binds ${compiled.parameters.length} values, expected ${arity}: ${compiled.sql}`);
      byDb.set(db, compiled);
    }
    if (parameters.length !== arity) throw new Error(`query takes ${arity} values, got ${parameters.length}: ${compiled.sql}`);
    const result = await db.executeQuery<R>({ query: compiled.query, sql: compiled.sql, parameters, queryId: createQueryId() });
    return result.rows;
  };
}
