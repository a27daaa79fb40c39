import { ArmError, armErrors } from '../../arm/errors.js';
import { resourceId } from '../../arm/ids.js';
import { idKey } from '../../arm/path.js';
import { queryParam } from '../../arm/paging.js';
import type { ArmRequest, ArmResponse } from '../../arm/types.js';
import { resourceStore } from '../../store/resources.js';
import { identityNotFound, requireActionVersion } from './revokeTokens.js';

const IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VERSIONS = ['2021-09-30-preview', '2022-01-31-preview'] as const;
const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

interface AssociatedResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

const FIELDS = ['name', 'type', 'resourceGroup', 'subscriptionId', 'subscriptionDisplayName'] as const;
type Field = (typeof FIELDS)[number];
type Predicate = (r: AssociatedResource) => boolean;

function badFilter(filter: string, why: string): ArmError {
  return armErrors.badRequest('InvalidFilter', `The $filter '${filter}' is invalid: ${why}. Use name, type, resourceGroup, subscriptionId or subscriptionDisplayName with eq, contains(), and, or.`);
}

/** OData `$filter` over the five fields: `eq`, `contains(field, 'x')`, `and`, `or`, parentheses; values compare case-insensitively. */
export function parseAssociatedFilter(filter: string): Predicate {
  const tokens = filter.match(/'(?:[^']|'')*'|\(|\)|,|[^\s(),']+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const next = () => tokens[i++];
  const str = (t: string | undefined): string => {
    if (!t || !t.startsWith("'") || !t.endsWith("'") || t.length < 2) throw badFilter(filter, `expected a quoted string at '${t ?? 'end'}'`);
    return t.slice(1, -1).replace(/''/g, "'");
  };
  const field = (t: string | undefined): Field => {
    const name = t?.startsWith("'") ? str(t) : t;
    const f = FIELDS.find((x) => x.toLowerCase() === name?.toLowerCase());
    if (!f) throw badFilter(filter, `unknown property '${name ?? ''}'`);
    return f;
  };
  const expect = (t: string) => {
    if (next() !== t) throw badFilter(filter, `expected '${t}'`);
  };
  const primary = (): Predicate => {
    if (peek() === '(') {
      next();
      const inner = or();
      expect(')');
      return inner;
    }
    if (peek() === 'contains') {
      next();
      expect('(');
      const f = field(next());
      expect(',');
      const v = str(next()).toLowerCase();
      expect(')');
      return (r) => r[f].toLowerCase().includes(v);
    }
    const f = field(next());
    if (next()?.toLowerCase() !== 'eq') throw badFilter(filter, "only 'eq' and contains() compare");
    const v = str(next()).toLowerCase();
    return (r) => r[f].toLowerCase() === v;
  };
  const and = (): Predicate => {
    let p = primary();
    while (peek() === 'and') {
      next();
      const [a, b] = [p, primary()];
      p = (r) => a(r) && b(r);
    }
    return p;
  };
  const or = (): Predicate => {
    let p = and();
    while (peek() === 'or') {
      next();
      const [a, b] = [p, and()];
      p = (r) => a(r) || b(r);
    }
    return p;
  };
  const result = or();
  if (i !== tokens.length) throw badFilter(filter, `unexpected '${tokens[i]}'`);
  return result;
}

function intParam(query: Record<string, string | undefined>, name: string, min: number, max: number): number | undefined {
  const raw = queryParam(query, name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw armErrors.badRequest('InvalidQueryParameter', `The value '${raw}' of query parameter '${name}' is invalid. It must be an integer between ${min} and ${max}.`);
  }
  return n;
}

function segmentAfter(id: string, name: string): string {
  const segs = id.split('/');
  const at = segs.findIndex((s) => s.toLowerCase() === name.toLowerCase());
  return at >= 0 ? (segs[at + 1] ?? '') : '';
}

/**
 * `POST …/userAssignedIdentities/{name}/listAssociatedResources` (2021-09-30-preview, 2022-01-31-preview): the hosts
 * the identity is assigned to, whatever the caller may read of them (as in Azure), with `$filter`, `$orderby`
 * (a field, asc|desc), `$top` (0: count only), `$skip` and `$skiptoken`; `totalCount` counts every match.
 */
export async function listAssociatedResources(req: ArmRequest): Promise<ArmResponse> {
  requireActionVersion(req, 'listAssociatedResources', VERSIONS);
  const db = req.server.database.db;
  const key = idKey(resourceId(req.path.subscriptionId!, req.path.resourceGroup!, IDENTITY_TYPE, req.path.names));
  if (!(await resourceStore.get(db, key))) throw identityNotFound(req);

  const rows = await db
    .selectFrom('identity_assignments as a')
    .innerJoin('resources as r', 'r.key', 'a.host_key')
    .leftJoin('subscriptions as s', 's.key', 'r.subscription_id')
    .select(['r.id', 'r.name', 'r.type', 's.subscription_id as sub', 's.display_name'])
    .where('a.identity_key', '=', key)
    .execute();
  let items: AssociatedResource[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    resourceGroup: segmentAfter(r.id, 'resourceGroups'),
    subscriptionId: r.sub ?? segmentAfter(r.id, 'subscriptions'),
    subscriptionDisplayName: r.display_name ?? '',
  }));

  const filter = queryParam(req.query, '$filter');
  if (filter !== undefined && filter.trim() !== '') items = items.filter(parseAssociatedFilter(filter));
  const orderby = (queryParam(req.query, '$orderby') ?? 'name asc').trim();
  const m = /^'?(\w+)'?(?:\s+(asc|desc))?$/i.exec(orderby);
  const orderField = m ? FIELDS.find((f) => f.toLowerCase() === m[1].toLowerCase()) : undefined;
  if (!m || !orderField) throw armErrors.badRequest('InvalidOrderBy', `The $orderby '${orderby}' is invalid. Use a property (name, type, resourceGroup, subscriptionId, subscriptionDisplayName) and asc or desc.`);
  const dir = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  items.sort((a, b) => dir * (a[orderField].toLowerCase().localeCompare(b[orderField].toLowerCase()) || a.id.toLowerCase().localeCompare(b.id.toLowerCase())));

  const top = intParam(req.query, '$top', 0, MAX_TOP) ?? DEFAULT_TOP;
  const skip = intParam(req.query, '$skip', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const offset = skip + decodeOffset(queryParam(req.query, '$skiptoken'));
  const totalCount = items.length;
  if (top === 0) return { status: 200, body: { totalCount, value: [] } };
  const page = items.slice(offset, offset + top);
  const body: Record<string, unknown> = { totalCount, value: page };
  if (offset + top < totalCount) {
    const next = new URLSearchParams({ 'api-version': req.apiVersion });
    if (filter !== undefined) next.set('$filter', filter);
    if (queryParam(req.query, '$orderby') !== undefined) next.set('$orderby', orderby);
    next.set('$top', String(top));
    next.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + top })).toString('base64url'));
    body.nextLink = `${req.server.publicUrl}${req.pathname}?${next.toString().replace(/%24/g, '$')}`;
  }
  return { status: 200, body };
}

function decodeOffset(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const o = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))?.o;
    if (Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw armErrors.badRequest('InvalidSkipToken', `The provided skip token '${token}' is not valid.`);
}
