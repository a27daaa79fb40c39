import type { ServerContext } from '../server/context.js';
import { authorize } from '../rbac/authorize.js';
import { scopeStore, type ScopeRead } from '../store/scope.js';
import { checkApiVersion } from './apiVersions.js';
import { armErrors } from './errors.js';
import { LOCATION_DISPLAY_NAMES } from './locations.js';
import { GUID_PATTERN, normalisePath, parseArmPath } from './path.js';
import type { RouteMatch, TypeRegistry } from './registry.js';
import type { ArmHandler, ArmResponse, HttpMethod } from './types.js';
import { checkGroup } from './groupGuard.js';
import { groupKeyOf } from './ids.js';

export interface RawArmRequest {
  method: string;
  pathname: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** authenticate → route → api-version → subscription → authorise → resource group → handle. */
export async function dispatchArm(server: ServerContext, registry: TypeRegistry, raw: RawArmRequest): Promise<ArmResponse> {
  const authorization = raw.headers.authorization;
  const principal = await server.verifier.verify(Array.isArray(authorization) ? authorization[0] : authorization);
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
  const scope = path.subscriptionId !== undefined ? await readScope(server, path.subscriptionId, needsGroup ? path.resourceGroup : undefined) : undefined;

  await authorize(server, { principal, action: actionOf(match, method), scope: authorizationScope(match, pathname) });

  // Checked after authorisation, as ARM does, so a caller without access learns nothing of the group.
  if (needsGroup) checkGroup(scope?.group, path.resourceGroup!, method !== 'GET' && method !== 'HEAD');

  const req = { method, path, pathname, apiVersion, query: raw.query, body: raw.body, headers: raw.headers, principal, server };
  if (method === 'HEAD' && match.kind === 'item' && !match.def.item?.HEAD) {
    // ARM answers HEAD on a resource as an existence check: 204 when GET would succeed.
    const res = await handler(req);
    return { status: res.status < 300 ? 204 : res.status, headers: res.headers };
  }
  return handler(req);
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
  if (match.kind === 'action') return `${type}/${match.action}/action`;
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
async function readScope(server: ServerContext, subscriptionId: string, group: string | undefined): Promise<ScopeRead> {
  if (!GUID_PATTERN.test(subscriptionId)) throw armErrors.invalidSubscriptionId(subscriptionId);
  const scope = await scopeStore.read(server.database.db, subscriptionId.toLowerCase(), group === undefined ? undefined : groupKeyOf(subscriptionId, group));
  if (scope.subscriptionTenantId !== server.tenantId) throw armErrors.subscriptionNotFound(subscriptionId);
  return scope;
}
