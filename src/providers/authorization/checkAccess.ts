import { ArmError } from '../../arm/errors.js';
import { objectBody } from '../../arm/body.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { requireAction } from '../../rbac/authorize.js';

export const CHECK_ACCESS_API_VERSIONS = ['2026-01-01'] as const;

/**
 * `POST /providers/Amity.Authorization/checkAccess?api-version=2026-01-01`, body `{principalId, action, scope}`:
 * whether the principal may take the action there, and which assignments (and roles) decided it.
 * The caller needs `Microsoft.Authorization/roleAssignments/read` at that scope.
 */
async function checkAccess(req: ArmRequest): Promise<ArmResponse> {
  const body = objectBody(req.body);
  const field = (name: string) => {
    const v = body[name];
    if (typeof v !== 'string' || !v.trim()) throw new ArmError(400, 'InvalidRequestContent', `The request body needs a string '${name}'.`);
    return v.trim();
  };
  const principalId = field('principalId').toLowerCase();
  const action = field('action');
  const scope = field('scope').replace(/\/+$/, '') || '/';
  if (!scope.startsWith('/')) throw new ArmError(400, 'InvalidRequestContent', `The scope '${scope}' must start with '/'.`);
  await requireAction(req.server, req.principal, 'Microsoft.Authorization/roleAssignments/read', scope);
  const rbac = req.server.rbac;
  if (!rbac || rbac.mode === 'bypass') return { status: 200, body: { allowed: true, decidingAssignments: [], reason: 'RBAC is bypassed on this server.' } };
  await rbac.ensureFresh();
  const decision = rbac.decide(principalId, action, scope);
  const describe = (a: { assignment: { id: string; roleDefinitionId: string; scope: string }; role?: { roleName: string } }) => ({
    id: a.assignment.id,
    roleDefinitionId: a.assignment.roleDefinitionId,
    roleName: a.role?.roleName ?? null,
    scope: a.assignment.scope,
  });
  const considered = decision.considered.map(describe);
  let reason: string;
  if (decision.allowed) {
    reason = `Allowed by ${decision.deciding.map((d) => `'${d.role.roleName}' at '${d.assignment.scope}'`).join(', ')}.`;
  } else if (considered.length) {
    reason = `Denied: the principal holds ${considered.map((c) => `'${c.roleName ?? c.roleDefinitionId}' at '${c.scope}'`).join(', ')}, and none of these roles grants '${action}' (no action matches, or a notAction excludes it).`;
  } else {
    reason = `Denied: the principal holds no role assignment at '${scope}' or above it.`;
  }
  return { status: 200, body: { allowed: decision.allowed, decidingAssignments: decision.deciding.map(describe), consideredAssignments: considered, reason } };
}

/** Registered as an action on the namespace itself: `POST /providers/Amity.Authorization/checkAccess`. */
export const amityAuthorization: ResourceTypeDef = {
  type: 'Amity.Authorization/',
  actionType: 'Amity.Authorization',
  apiVersions: CHECK_ACCESS_API_VERSIONS,
  apiVersionStyle: 'arm',
  scopes: ['tenant'],
  actions: { checkaccess: checkAccess },
};
