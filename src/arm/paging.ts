import { armErrors } from './errors.js';

export const DEFAULT_PAGE_SIZE = 100;

/** Skip tokens are opaque to clients: the keyset position, base64url-encoded. */
export function encodeSkipToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ k: lastKey })).toString('base64url');
}

export function decodeSkipToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed?.k === 'string') return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw armErrors.badRequest('InvalidSkipToken', `The provided skip token '${token}' is not valid.`);
}

/** Query values ARM treats case-insensitively ($skipToken / $skiptoken, $top). */
export function queryParam(query: Record<string, string | undefined>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function parseTop(query: Record<string, string | undefined>, max = 1000): number | undefined {
  const raw = queryParam(query, '$top');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw armErrors.badRequest('InvalidTopValue', `The value '${raw}' of query parameter '$top' is invalid. It must be an integer between 1 and ${max}.`);
  }
  return n;
}

/**
 * Reads one page plus one row to learn whether another page follows; the nextLink carries the
 * api-version because SDKs follow it verbatim.
 */
export async function pageOf<T extends { key: string }>(
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
  opts: { query: Record<string, string | undefined>; publicUrl: string; pathname: string; apiVersion: string; pageSize?: number },
): Promise<{ rows: T[]; nextLink?: string }> {
  const size = parseTop(opts.query) ?? opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const after = decodeSkipToken(queryParam(opts.query, '$skiptoken'));
  const rows = await fetch(after, size + 1);
  if (rows.length <= size) return { rows };
  const page = rows.slice(0, size);
  const next = new URLSearchParams({ 'api-version': opts.apiVersion });
  const top = queryParam(opts.query, '$top');
  if (top !== undefined) next.set('$top', top);
  next.set('$skiptoken', encodeSkipToken(page[page.length - 1].key));
  // ARM writes `$skiptoken` with a literal `$`; URLSearchParams would escape it.
  return { rows: page, nextLink: `${opts.publicUrl}${opts.pathname}?${next.toString().replace(/%24/g, '$')}` };
}
