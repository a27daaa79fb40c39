import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from '../server/context.js';
import { ArmError } from '../arm/errors.js';

export interface AuthorizationCheck {
  principal: Principal;
  /** e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/write` */
  action: string;
  /** The resource id (or `/`) the action applies to. */
  scope: string;
  /** A list: a caller without the action at the scope still sees the items it may read below it. */
  list?: boolean;
}

/** Which items of a list the caller may see, by id. */
export type ListFilter = (id: string) => boolean;

/**
 * Actions every principal of the tenant may take, as in Azure: the tenant list, locations, the
 * providers' operation lists, long-running operation status, the caller's own permissions, and the
 * Amity check-access endpoint (which checks its own caller).
 */
const OPEN_ACTIONS = new Set(
  [
    'Microsoft.Resources/tenants/read',
    'Microsoft.Resources/subscriptions/locations/read',
    'Microsoft.Resources/subscriptions/operationresults/read',
    'Microsoft.ManagedIdentity/operations/read',
    'Microsoft.Authorization/permissions/read',
    'Amity.Authorization/checkaccess/action',
  ].map((a) => a.toLowerCase()),
);

const SUBSCRIPTION_READ = 'microsoft.resources/subscriptions/read';

function callerName(principal: Principal): string {
  const upn = principal.claims.upn ?? principal.claims.unique_name;
  return typeof upn === 'string' && upn ? upn : principal.objectId;
}

export function authorizationFailed(principal: Principal, action: string, scope: string): ArmError {
  return new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${callerName(principal)}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/**
 * The authorise step of every ARM request: principals of other tenants are refused; then the caller's
 * role assignments at the scope and above decide (Azure's matching, see actionMatch.ts). A list the
 * caller may not read at its scope, but holds read on some items below, answers with those items only.
 */
export async function authorize(server: ServerContext, check: AuthorizationCheck): Promise<ListFilter | undefined> {
  if (check.principal.tenantId !== server.tenantId) throw authorizationFailed(check.principal, check.action, check.scope);
  const rbac = server.rbac;
  if (!rbac || rbac.mode === 'bypass') return undefined;
  const action = check.action.toLowerCase();
  if (OPEN_ACTIONS.has(action)) return undefined;
  await rbac.ensureFresh();
  const oid = check.principal.objectId;
  if (action === SUBSCRIPTION_READ) {
    // A subscription is visible to whoever holds a role in it (at, above or below it).
    if (check.list) return (id) => rbac.touches(oid, id);
    if (rbac.touches(oid, check.scope)) return undefined;
    throw authorizationFailed(check.principal, check.action, check.scope);
  }
  if (rbac.allows(oid, check.action, check.scope)) return undefined;
  if (check.list && rbac.allowsBelow(oid, check.action, check.scope)) return (id) => rbac.allows(oid, check.action, id);
  throw authorizationFailed(check.principal, check.action, check.scope);
}

/** Whether the principal may take the action at the scope (no throw); for handlers that check a second scope. */
export async function isAllowed(server: ServerContext, principal: Principal, action: string, scope: string): Promise<boolean> {
  if (principal.tenantId !== server.tenantId) return false;
  if (!server.rbac || server.rbac.mode === 'bypass') return true;
  await server.rbac.ensureFresh();
  return server.rbac.allows(principal.objectId, action, scope);
}

export async function requireAction(server: ServerContext, principal: Principal, action: string, scope: string): Promise<void> {
  if (!(await isAllowed(server, principal, action, scope))) throw authorizationFailed(principal, action, scope);
}

/**
 * The check ARM makes when a request links another resource (e.g. a VM PUT that assigns a user-assigned
 * identity needs `.../userAssignedIdentities/assign/action` on the identity): 403 LinkedAuthorizationFailed.
 */
export async function requireLinkedAction(
  server: ServerContext,
  principal: Principal,
  check: { action: string; linkedScope: string | string[]; requestAction: string; requestScope: string },
): Promise<void> {
  const linked = Array.isArray(check.linkedScope) ? check.linkedScope : [check.linkedScope];
  const denied: string[] = [];
  for (const scope of linked) if (!(await isAllowed(server, principal, check.action, scope))) denied.push(scope);
  if (!denied.length) return;
  throw new ArmError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${callerName(principal)}' with object id '${principal.objectId}' has permission to perform action '${check.requestAction}' on scope '${check.requestScope}'; however, it does not have permission to perform action '${check.action}' on the linked scope(s) '${denied.join(',')}' or the linked scope(s) are invalid.`,
  );
}
