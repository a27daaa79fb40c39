import type { Principal } from '../directory/tokenVerifier.js';
import type { ServerContext } from '../server/context.js';
import { ArmError } from '../arm/errors.js';

export interface AuthorizationCheck {
  principal: Principal;
  /** e.g. `Microsoft.ManagedIdentity/userAssignedIdentities/write` */
  action: string;
  /** The resource id (or `/`) the action applies to. */
  scope: string;
}

/**
 * The authorise step of every ARM request. Role-based decisions arrive with the RBAC issue; until then
 * every authenticated principal of this server's tenant is allowed, and any other tenant is refused.
 */
export async function authorize(server: ServerContext, check: AuthorizationCheck): Promise<void> {
  if (check.principal.tenantId === server.tenantId) return;
  throw new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${check.principal.objectId}' with object id '${check.principal.objectId}' does not have authorization to perform action '${check.action}' over scope '${check.scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}
