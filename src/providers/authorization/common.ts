import type { ArmRequest } from '../../arm/types.js';
import { queryParam } from '../../arm/paging.js';
import { armErrors } from '../../arm/errors.js';

/** Microsoft.Authorization api-versions the clients send (az: 2020-04-01-preview and 2018-01-01-preview; SDK 9: 2022-04-01), newest first. */
export const AUTHORIZATION_API_VERSIONS = [
  '2022-08-01-preview',
  '2022-05-01-preview',
  '2022-04-01',
  '2022-01-01-preview',
  '2021-04-01-preview',
  '2021-03-01-preview',
  '2021-01-01-preview',
  '2020-10-01-preview',
  '2020-08-01-preview',
  '2020-04-01-preview',
  '2020-03-01-preview',
  '2019-04-01-preview',
  '2018-12-01-preview',
  '2018-09-01-preview',
  '2018-07-01',
  '2018-01-01-preview',
  '2017-10-01-preview',
  '2017-05-01',
  '2016-07-01',
  '2015-07-01',
] as const;

/** The scope a Microsoft.Authorization request names: the path before `/providers/Microsoft.Authorization`, `/` at the root. */
export function requestScope(req: ArmRequest): string {
  return req.path.scopeSegments.length ? `/${req.path.scopeSegments.join('/')}` : '/';
}

/** `$filter` clauses joined by `and`: `name eq 'value'` pairs and bare functions such as `atScope()`. */
export function parseFilter(req: ArmRequest): { eq: Map<string, string>; functions: Set<string> } {
  const raw = queryParam(req.query, '$filter');
  const eq = new Map<string, string>();
  const functions = new Set<string>();
  if (!raw) return { eq, functions };
  for (const clause of raw.split(/\s+and\s+/i)) {
    const c = clause.trim();
    const m = /^([A-Za-z/]+)\s+eq\s+'?([^']*)'?$/i.exec(c);
    if (m) eq.set(m[1].toLowerCase(), m[2]);
    else if (/^[A-Za-z]+\(\)$/.test(c)) functions.add(c.toLowerCase());
    else throw armErrors.badRequest('InvalidFilterInQueryString', `The filter '${raw}' is not supported.`);
  }
  return { eq, functions };
}
