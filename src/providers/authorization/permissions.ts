import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { BUILT_IN_BY_ID } from '../../rbac/builtInRoles.js';
import { AUTHORIZATION_API_VERSIONS, requestScope } from './common.js';

/** `GET {scope}/providers/Microsoft.Authorization/permissions`: the caller's effective permissions there, one block per role it holds. */
async function list(req: ArmRequest): Promise<ArmResponse> {
  const rbac = req.server.rbac;
  if (!rbac || rbac.mode === 'bypass') return { status: 200, body: { value: BUILT_IN_BY_ID.get('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')!.permissions } };
  await rbac.ensureFresh();
  return { status: 200, body: { value: rbac.permissionsAt(req.principal.objectId, requestScope(req)) } };
}

export const permissions: ResourceTypeDef = {
  type: 'Microsoft.Authorization/permissions',
  apiVersions: AUTHORIZATION_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['any'],
  collection: { GET: list },
};
