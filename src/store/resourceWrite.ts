import { CompiledQuery, sql, type Insertable, type RawBuilder } from 'kysely';
import type { Schema } from './schema.js';
import { resourceStore, ROW_COLUMNS, type Db, type GroupGuard, type ResourceRow } from './resources.js';

/** A row inserted together with a resource write, and only if that write took effect: its principal, its activity-log event. */
export type OwnedInsert = { [T in keyof Schema]: { table: T; row: Insertable<Schema[T]> } }[keyof Schema];

/** One create or replace of a resource row, with the rows that go with it. */
export interface ResourceWrite {
  row: ResourceRow;
  /** Replace the row while it still has this etag; absent: insert a new row. */
  expectedEtag?: string;
  /**
   * PostgreSQL: the resource group the request checked (see GroupGuard), checked and held by the write's own statement.
   * SQLite callers read the group in the write's transaction instead and pass none.
   */
  guard?: GroupGuard;
  owned: OwnedInsert[];
}

/**
 * Writes a resource row and its owned rows atomically; false when it matched nothing (the etag or the group moved on),
 * and then nothing was written. A concurrent create of the same key throws the database's unique violation.
 *
 * On PostgreSQL, with a guard, it is one statement: the guarded insert or update as a data-modifying CTE, each owned
 * row inserted `from` it (so only when it wrote a row), committed on its own. A create that was BEGIN, insert,
 * principal insert, activity insert and COMMIT, five round trips, is one; most of a PUT's database cost here is per
 * round trip (the socket writes that wake the backend, and its per-statement work), not per row. PostgreSQL runs every
 * data-modifying CTE to completion whether or not the outer query reads it. Pass a transaction to run it inside one.
 * Without a guard (SQLite: in process, round trips cost nothing) each statement runs in turn: call it inside the
 * write's transaction.
 */
export async function writeResource(db: Db, dialect: 'sqlite' | 'postgres', w: ResourceWrite): Promise<boolean> {
  if (w.guard) {
    if (dialect !== 'postgres') throw new Error('a group guard is checked by the PostgreSQL statement only');
    return oneStatement(db, w);
  }
  if (w.expectedEtag === undefined) await resourceStore.insert(db, w.row);
  else if (!(await resourceStore.replace(db, w.row, w.expectedEtag))) return false;
  for (const o of w.owned) await db.insertInto(o.table).values(o.row as never).execute();
  return true;
}

/** Runs one write as one statement; answers whether it wrote its row. */
async function oneStatement(db: Db, w: ResourceWrite): Promise<boolean> {
  const { sql: text, order, arity } = statementFor(db, w);
  const values = [...mainValues(w), ...w.owned.flatMap((o) => Object.values(o.row))];
  if (values.length !== arity) throw new Error(`resource write binds ${arity} values, got ${values.length}`);
  const result = await db.executeQuery(CompiledQuery.raw(text, order.map((i) => values[i])));
  return result.rows.length === 1;
}

/** The values of the resource statement, in the order `compile` builds it with markers. */
function mainValues(w: ResourceWrite): unknown[] {
  const { row, guard } = w;
  if (w.expectedEtag === undefined) return [...ROW_COLUMNS.map((c) => row[c]), guard!.key, guard!.etag];
  return [...UPDATED_COLUMNS.map((c) => row[c]), row.key, w.expectedEtag, guard!.key, guard!.etag];
}

// Creation time and creator never change after the first write.
const UPDATED_COLUMNS = ROW_COLUMNS.filter((c) => c !== 'key' && c !== 'created_at' && c !== 'created_by');

interface Compiled {
  sql: string;
  /** compiled parameter i takes values[order[i]] (mainValues, then the owned rows' values). */
  order: number[];
  arity: number;
}

/** Compiled texts by shape (create or replace, owned tables, their columns and value kinds), per database. */
const compiledByAdapter = new WeakMap<object, Map<string, Compiled>>();

function statementFor(db: Db, w: ResourceWrite): Compiled {
  const adapter = db.getExecutor().adapter;
  let cache = compiledByAdapter.get(adapter);
  if (!cache) compiledByAdapter.set(adapter, (cache = new Map()));
  const owned = w.owned.map((o) => `${o.table}(${Object.entries(o.row).map(([c, v]) => `${c}:${typeof v}`)})`);
  const shape = `${w.expectedEtag === undefined ? 'insert' : 'replace'}|${owned.join('|')}`;
  let compiled = cache.get(shape);
  if (!compiled) cache.set(shape, (compiled = compile(db, w)));
  return compiled;
}

/**
 * Builds the statement with a distinct marker in place of every value, then reads where each marker ended up among the
 * compiled parameters: the order is Kysely's, whatever it is, rather than one assumed here.
 */
function compile(db: Db, w: ResourceWrite): Compiled {
  let next = 0;
  const marker = () => `\u0000amity-value-${next++}`;
  const markedGuard = () => ({ key: marker(), etag: marker() });
  const main =
    w.expectedEtag === undefined
      ? resourceStore.guardedInsertQuery(db, Object.fromEntries(ROW_COLUMNS.map((c) => [c, marker()])) as never, markedGuard()).returning('key')
      : resourceStore.guardedReplaceQuery(db, Object.fromEntries(UPDATED_COLUMNS.map((c) => [c, marker()])) as never, marker(), marker(), markedGuard()).returning('key');
  const owned = w.owned.map((o, i) => {
    const columns = sql.join(Object.keys(o.row).map((c) => sql.id(c)));
    // A bare parameter in a select list is typed text: numbers say what they are, or an integer column refuses them.
    const values = sql.join(Object.values(o.row).map((v): RawBuilder<unknown> => (typeof v === 'number' ? sql`cast(${marker()} as integer)` : sql`${marker()}`)));
    return sql`, ${sql.id(`owned_${i}`)} as (insert into ${sql.table(o.table)} (${columns}) select ${values} from "written")`;
  });
  const query = sql`with "written" as (${main})${sql.join(owned, sql``)} select "key" from "written"`.compile(db);
  const position = new Map(Array.from({ length: next }, (_, i) => [`\u0000amity-value-${i}`, i]));
  const order = query.parameters.map((p) => {
    const i = position.get(p as string);
    if (i === undefined) throw new Error(`resource write: a value without a marker in ${query.sql}`);
    return i;
  });
  return { sql: query.sql, order, arity: next };
}
