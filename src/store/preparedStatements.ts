import type pgModule from 'pg';

/** Distinct statements one connection keeps prepared; beyond that, statements run unnamed (bounds each backend's memory). */
const MAX_PREPARED_PER_CONNECTION = 256;

/**
 * A `pg` client that runs every parameterised statement as a named prepared statement: PostgreSQL parses and plans it
 * once per connection, then only binds and executes. Kysely's SQL for one query shape never changes (only its values),
 * so a handful of names covers the hot paths, and the parse/plan each statement otherwise costs the database on every
 * round trip is saved (a large part of a point read's or single-row insert's server time). Statements without
 * values (migrations, several statements in one text) keep the simple protocol.
 */
export function preparingClient(pg: typeof pgModule): typeof pgModule.Client {
  return class PreparingClient extends pg.Client {
    private readonly names = new Map<string, string>();

    override query(...args: unknown[]): never {
      const [text, values] = args;
      if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
        let name = this.names.get(text);
        if (name === undefined && this.names.size < MAX_PREPARED_PER_CONNECTION) {
          name = `amity_${this.names.size}`;
          this.names.set(text, name);
        }
        if (name !== undefined) return (super.query as (config: unknown) => never)({ name, text, values });
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  } as unknown as typeof pgModule.Client;
}
