import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArmError } from '../../arm/errors.js';
import { authorize } from '../../rbac/authorize.js';
import type { ServerContext } from '../../server/context.js';
import type { Principal } from '../tokenVerifier.js';
import { graphErrors } from './errors.js';
import { matchesFilter, parseFilter } from './odataFilter.js';

export const GRAPH_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;

/** The Graph base URL objects refer to (`@odata.context`, `@odata.nextLink`). */
export function graphBase(server: ServerContext): string {
  return `${server.publicUrl}/msgraph/v1.0`;
}

/** The caller, from a token whose audience is Graph's; ARM tokens and the like are refused in Graph's 401 shape. */
export async function graphCaller(server: ServerContext, req: FastifyRequest): Promise<Principal> {
  let principal: Principal;
  try {
    principal = await server.graphVerifier.verify(req.headers.authorization);
  } catch (e) {
    if (!(e instanceof ArmError) || e.status !== 401) throw e;
    switch (e.code) {
      case 'AuthenticationFailed':
        throw graphErrors.tokenEmpty();
      case 'AuthenticationFailedInvalidHeader':
        throw graphErrors.tokenInvalid('CompactToken parsing failed with error code: 80049217');
      case 'InvalidAuthenticationTokenAudience':
        throw graphErrors.tokenInvalid('Access token validation failure. Invalid audience.');
      case 'ExpiredAuthenticationToken':
        throw graphErrors.tokenInvalid('Lifetime validation failed, the token is expired.');
      default:
        throw graphErrors.tokenInvalid('Access token validation failure.');
    }
  }
  if (principal.tenantId !== server.tenantId) throw graphErrors.tokenInvalid('Access token validation failure. Invalid issuer.');
  return principal;
}

/**
 * Directory writes need the caller to be allowed `microsoft.directory/<entity>/<verb>` at `/` (Owner's `*` is);
 * reads are open to every principal of the tenant.
 */
export async function requireDirectoryWrite(server: ServerContext, principal: Principal, action: string): Promise<void> {
  try {
    await authorize(server, { principal, action, scope: '/' });
  } catch (e) {
    if (e instanceof ArmError && e.status === 403) throw graphErrors.denied();
    throw e;
  }
}

export function sendGraph(reply: FastifyReply, status: number, body?: unknown): FastifyReply {
  reply.code(status);
  if (body === undefined) return reply.send();
  return reply.type(GRAPH_CONTENT_TYPE).send(JSON.stringify(body));
}

export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q ?? {})) out[k.toLowerCase()] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return out;
}

/** Applies `$select` (id is always kept, as Graph does). */
export function selectProperties(object: Record<string, unknown>, select: string | undefined): Record<string, unknown> {
  if (!select) return object;
  const wanted = select.split(',').map((s) => s.trim()).filter(Boolean);
  const out: Record<string, unknown> = {};
  if (object['@odata.type'] !== undefined) out['@odata.type'] = object['@odata.type'];
  out.id = object.id;
  for (const name of wanted) {
    const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key) out[key] = object[key];
  }
  return out;
}

/**
 * A collection answer: `$filter` over the serialised objects, ordered by id and paged with `$top` and
 * `$skiptoken` (the last id of the page), `@odata.nextLink` while more remain, `$select`, `$count`.
 */
export function listResponse(
  server: ServerContext,
  req: FastifyRequest,
  entitySet: string,
  objects: Record<string, unknown>[],
  filterable: ReadonlySet<string>,
): Record<string, unknown> {
  const q = queryOf(req);
  let items = objects;
  if (q.$filter !== undefined) {
    const expr = parseFilter(q.$filter);
    items = items.filter((o) => matchesFilter(expr, o, filterable));
  }
  items = [...items].sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const count = items.length;
  if (q.$skiptoken) items = items.filter((o) => String(o.id) > String(q.$skiptoken));
  let top = DEFAULT_PAGE;
  if (q.$top !== undefined) {
    top = Number(q.$top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) throw graphErrors.badRequest(`Invalid page size specified: '${q.$top}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
  }
  const page = items.slice(0, top);
  const body: Record<string, unknown> = { '@odata.context': `${graphBase(server)}/$metadata#${entitySet}` };
  if (q.$count === 'true') body['@odata.count'] = count;
  if (items.length > top) {
    const params = new URLSearchParams();
    for (const [k, v] of new URLSearchParams(req.url.split('?')[1] ?? '')) if (k.toLowerCase() !== '$skiptoken') params.append(k, v);
    params.set('$skiptoken', String(page[page.length - 1].id));
    body['@odata.nextLink'] = `${server.publicUrl}${req.url.split('?')[0]}?${params.toString()}`;
  }
  body.value = page.map((o) => selectProperties(o, q.$select));
  return body;
}

/** A JSON object body, or Graph's 400 when the body is something else. */
export function objectBody(req: FastifyRequest, optional = false): Record<string, any> {
  const body = req.body;
  if (body === undefined || body === null) {
    if (optional) return {};
    throw graphErrors.badRequest('Empty Payload. JSON content expected.');
  }
  if (typeof body !== 'object' || Array.isArray(body) || body instanceof URLSearchParams) throw graphErrors.badRequest('Invalid JSON payload: an object expected.');
  return body as Record<string, any>;
}

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
