import type { CliContext } from '../../runtime/context.js';
import { CliError, ServiceError } from '../../runtime/errors.js';

/** az's `graph_err_handler`: a Graph error is printed as its message alone (`ERROR: Resource '…' does not exist …`). */
export async function graphErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ServiceError) throw new CliError(e.serviceMessage || e.code);
    throw e;
  }
}

export const odataQuote = (s: string) => s.replace(/'/g, "''");

/** A Graph collection, every page, optionally filtered (az's `_filter_to_query`). */
export async function graphList(ctx: CliContext, path: string, filter?: string): Promise<Record<string, unknown>[]> {
  return (await ctx.graph().listAll(path, { query: { $filter: filter } })) as Record<string, unknown>[];
}

export async function graphGet(ctx: CliContext, path: string): Promise<Record<string, unknown>> {
  return (await ctx.graph().call('GET', path)).body as Record<string, unknown>;
}

export const segment = (s: string) => encodeURIComponent(s);
