import crypto from 'node:crypto';
import { callerOf, claimsOf, NO_ACTIVITY, recordUnrecorded, writeActivity, type RequestActivity } from '../activity/recorder.js';
import type { ServerContext } from '../server/context.js';
import { authorize, type ListFilter } from '../rbac/authorize.js';
import { scopeStore, type ScopeRead } from '../store/scope.js';
import { checkApiVersion } from './apiVersions.js';
import { armErrors } from './errors.js';
import { LOCATION_DISPLAY_NAMES } from './locations.js';
import { GUID_PATTERN, normalisePath, parseArmPath, type ArmPath } from './path.js';
import type { RouteMatch, TypeRegistry } from './registry.js';
import type { ArmHandler, ArmRequest, ArmResponse, HttpMethod } from './types.js';
import type { Principal } from '../directory/tokenVerifier.js';
import { checkGroup } from './groupGuard.js';
import { groupKeyOf } from './ids.js';

export interface RawArmRequest {
  method: string;
  pathname: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Tracing ids (`x-ms-correlation-request-id`, `x-ms-request-id`, `x-ms-client-request-id`) and the client's address. */
  correlationId?: string;
  requestId?: string;
  clientRequestId?: string;
  clientIp?: string;
  /**
   * A caller already authenticated inside this process (a template deployment acting as its deployer): token
   * verification is skipped, RBAC is not. Only server code sets it; the HTTP route builds its request field by
   * field and never copies anything from the client into it.
   */
  principal?: Principal;
  /** Removes secrets (a deployment's secure parameters) from an error message before the activity log records it. */
  redact?: (text: string) => string;
  /** Told the request's RBAC action as soon as it is known (metrics label requests by it). */
  onAction?: (action: string) => void;
}

/** authenticate → route → api-version → subscription → authorise → resource group → handle. */
export async function dispatchArm(server: ServerContext, registry: TypeRegistry, raw: RawArmRequest): Promise<ArmResponse> {
  const authorization = raw.headers.authorization;
  const principal = raw.principal ?? (await server.verifier.verify(Array.isArray(authorization) ? authorization[0] : authorization));
  const method = raw.method.toUpperCase() as HttpMethod;
  const pathname = normalisePath(raw.pathname);
  const path = parseArmPath(pathname);
  const match = registry.match(path);
  if (!match) throw registry.unmatched(path, raw.query['api-version']);
  const handler = handlerFor(match, method);

  const requestedLocation = (raw.body as { location?: unknown } | undefined)?.location;
  const apiVersion = checkApiVersion(raw.query['api-version'], match.def.apiVersions, match.def.apiVersionStyle, {
    type: match.def.type,
    location: typeof requestedLocation === 'string' ? requestedLocation : 'global',
    locations: LOCATION_DISPLAY_NAMES,
  });

  // Paths under a group's /providers/ need the group; the group's own paths answer for themselves.
  const needsGroup = path.resourceGroup !== undefined && path.scopeSegments.length > 0;
  // An item under a group is read in the same statement (its key: the path's id, decoded and lower-cased, as tracked
  // resources key their rows); handlers use it rather than reading it again.
  const itemKey = needsGroup && match.kind === 'item' ? resourceOfWrite(pathname, '').toLowerCase() : undefined;
  const scope = path.subscriptionId !== undefined ? await readScope(server, path.subscriptionId, needsGroup ? path.resourceGroup : undefined, itemKey) : undefined;

  const action = actionOf(match, method);
  raw.onAction?.(action);
  const correlationId = raw.correlationId ?? headerOf(raw.headers['x-ms-correlation-request-id']) ?? crypto.randomUUID();
  const clientRequestId = raw.clientRequestId ?? headerOf(raw.headers['x-ms-client-request-id']);
  const activity = isWrite(method) ? activityOf(server, raw, principal, action, path, pathname, correlationId, clientRequestId) : NO_ACTIVITY;
  // Writes are recorded in the activity log whatever their outcome (reads are not, as in Azure).
  let res: ArmResponse;
  try {
    res = await authorizedHandle(match);
  } catch (e) {
    await recordFailure(server, activity, e, raw.redact);
    throw e;
  }
  await recordAnswer(server, activity, res.status);
  return res;

  async function authorizedHandle(match: RouteMatch): Promise<ArmResponse> {
    const listFilter = await authorize(server, { principal, action, scope: authorizationScope(match, pathname), list: match.kind === 'collection' });

    // Checked after authorisation, as ARM does, so a caller without access learns nothing of the group.
    if (needsGroup) checkGroup(scope?.group, path.resourceGroup!, method !== 'GET' && method !== 'HEAD');

    const req: ArmRequest = { method, path, pathname, apiVersion, query: raw.query, body: raw.body, headers: raw.headers, principal, server, correlationId, clientRequestId, activity, scope };
    if (method === 'HEAD' && match.kind === 'item' && !match.def.item?.HEAD) {
      // ARM answers HEAD on a resource as an existence check: 204 when GET would succeed.
      const res = await handler(req);
      return { status: res.status < 300 ? 204 : res.status, headers: res.headers };
    }
    return listFilter ? filterList(await handler(req), listFilter) : handler(req);
  }
}

/** A list the caller may read only in part (RBAC below the list's scope): the items it may read. */
function filterList(res: ArmResponse, allowed: ListFilter): ArmResponse {
  const body = res.body as { value?: unknown } | undefined;
  if (!body || !Array.isArray(body.value)) return res;
  const value = body.value.filter((item) => typeof (item as { id?: unknown } | null)?.id === 'string' && allowed((item as { id: string }).id));
  return { ...res, body: { ...body, value } };
}

function isWrite(method: HttpMethod): boolean {
  return method === 'PUT' || method === 'PATCH' || method === 'DELETE' || method === 'POST';
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The activity-log event of a write, before its outcome is known. */
function activityOf(server: ServerContext, raw: RawArmRequest, principal: Principal, action: string, path: ArmPath, pathname: string, correlationId: string, clientRequestId: string | undefined): RequestActivity {
  return writeActivity({
    subscriptionId: path.subscriptionId?.toLowerCase() ?? '',
    tenantId: server.tenantId,
    correlationId,
    caller: callerOf(principal),
    callerObjectId: principal.objectId,
    operation: action,
    httpMethod: raw.method.toUpperCase(),
    scope: resourceOfWrite(pathname, action),
    clientRequestId,
    clientIpAddress: raw.clientIp,
    serviceRequestId: raw.requestId,
    claims: claimsOf(principal),
  });
}

/** The resource a write acts on, its segments decoded: the path itself, or for `…/{action}` POSTs its parent. */
function resourceOfWrite(pathname: string, action: string): string {
  // Most paths have nothing to decode, no empty segment and no action segment: they are already the answer.
  if (!action.endsWith('/action') && pathname.startsWith('/') && !pathname.includes('%') && !pathname.includes('//') && !pathname.endsWith('/')) return pathname;
  const segs = pathname.split('/').filter((s) => s.length > 0);
  if (action.endsWith('/action')) segs.pop();
  return `/${segs.map(decodeSafely).join('/')}`;
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A write answered without the handler recording it (nothing changed to record it with): recorded on its own. */
async function recordAnswer(server: ServerContext, activity: RequestActivity, statusCode: number): Promise<void> {
  if (!activity.enabled || activity.recordedIds.length > 0) return;
  try {
    await recordUnrecorded(server.database.db, activity, { statusCode }, false);
  } catch (recordError) {
    server.log.error({ err: recordError }, 'recording a write in the activity log failed');
  }
}

/** A failed write: recorded on its own, unless what the handler recorded committed first. Never hides the original error. */
async function recordFailure(server: ServerContext, activity: RequestActivity, e: unknown, redact: (text: string) => string = (t) => t): Promise<void> {
  if (!activity.enabled) return;
  const err = e as { status?: unknown; code?: unknown; message?: unknown };
  const armError = typeof err?.status === 'number' && typeof err.code === 'string';
  const statusCode = armError ? (err.status as number) : 500;
  const error = armError ? { code: err.code as string, message: redact(String(err.message ?? '')) } : { code: 'InternalServerError', message: 'The server encountered an internal error.' };
  try {
    await recordUnrecorded(server.database.db, activity, { statusCode, error }, true);
  } catch (recordError) {
    server.log.error({ err: recordError }, 'recording a failed write in the activity log failed');
  }
}

function handlerFor(match: RouteMatch, method: HttpMethod): ArmHandler {
  let handler: ArmHandler | undefined;
  if (match.kind === 'action') handler = method === 'POST' ? match.handler : undefined;
  else if (match.kind === 'collection') handler = method === 'GET' ? match.def.collection?.GET : undefined;
  else if (method !== 'POST') handler = match.def.item?.[method] ?? (method === 'HEAD' ? match.def.item?.GET : undefined);
  if (!handler) throw armErrors.methodNotAllowed(method);
  return handler;
}

/** RBAC action names as Azure writes them: `<type>/read|write|delete` and `<type>/<action>/action`. */
export function actionOf(match: RouteMatch, method: HttpMethod): string {
  const type = match.def.actionType ?? match.def.type;
  if (match.kind === 'action') return match.def.actionPermissions?.[match.action] ?? `${type}/${match.action}/action`;
  if (method === 'PUT' || method === 'PATCH') return `${type}/write`;
  if (method === 'DELETE') return `${type}/delete`;
  return `${type}/read`;
}

function authorizationScope(match: RouteMatch, pathname: string): string {
  if (match.kind === 'collection') {
    const parent = pathname.split('/').slice(0, -1).join('/');
    // A list's scope is its container: drop `/providers/{namespace}` left dangling at the end.
    return parent.replace(/\/providers\/[^/]+$/i, '') || '/';
  }
  if (match.kind === 'action') return pathname.split('/').slice(0, -1).join('/');
  return pathname;
}

/** The subscription (which must exist in this tenant) and, when asked for, its group, in one read. */
async function readScope(server: ServerContext, subscriptionId: string, group: string | undefined, itemKey: string | undefined): Promise<ScopeRead> {
  if (!GUID_PATTERN.test(subscriptionId)) throw armErrors.invalidSubscriptionId(subscriptionId);
  const scope = await scopeStore.read(server.database.db, subscriptionId.toLowerCase(), group === undefined ? undefined : groupKeyOf(subscriptionId, group), itemKey);
  if (scope.subscriptionTenantId !== server.tenantId) throw armErrors.subscriptionNotFound(subscriptionId);
  return scope;
}
