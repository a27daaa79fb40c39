import { createQueryId, type CompiledQuery, type QueryResult } from 'kysely';
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

/**
 * compiledOnce for a write, which runs inside transactions: cached by the database's dialect adapter, which a Kysely
 * handle and every transaction on it share (a new Transaction object per write would miss a cache keyed by handle).
 * Answers the statement's result (affected rows).
 */
export function compiledStatement(arity: number, build: (db: Db) => { compile(): CompiledQuery<unknown> }): (db: Db, ...parameters: unknown[]) => Promise<QueryResult<unknown>> {
  const byAdapter = new WeakMap<object, CompiledQuery<unknown>>();
  return async (db, ...parameters) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (compiled === undefined) {
      compiled = build(db).compile();
      if (compiled.parameters.length !== arity) throw new Error(`compiled statement binds ${compiled.parameters.length} values, expected ${arity}: ${compiled.sql}`);
      byAdapter.set(adapter, compiled);
    }
    if (parameters.length !== arity) throw new Error(`statement takes ${arity} values, got ${parameters.length}: ${compiled.sql}`);
    return db.executeQuery({ query: compiled.query, sql: compiled.sql, parameters, queryId: createQueryId() });
  };
}
