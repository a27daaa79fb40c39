import type { PrincipalRow } from '../../store/principals.js';
import type { GrantRequest } from './grant.js';
import { clientInfo, idTokenIssuer } from './idToken.js';
import { issueRefreshToken } from './refreshTokens.js';
import { grantedScope } from './scope.js';

/** What the grant established; the server, tenant, endpoint and client_info wish come from the request. */
export interface UserGrant {
  user: PrincipalRow;
  clientId: string;
  /** appidacr: 0 for a public client (az), 1 when the client also proved a secret. */
  clientAuth: '0' | '1';
  resource: string;
  /** The scope string the client sent (for the reply's `scope`). */
  requestedScope: string | null;
  /** The refresh-token family to continue (on a refresh), else a new one. */
  familyId?: string;
}

/**
 * The token reply for a signed-in user, as MSAL expects it: a delegated access token for the resource,
 * a refresh token, an id_token for the client and client_info.
 */
export async function userTokenResponse(req: GrantRequest, grant: UserGrant): Promise<Record<string, unknown>> {
  const { server, tenantId } = req;
  const { user } = grant;
  const upn = user.user_principal_name ?? '';
  const issued = await server.issuer.issue(
    { tenantId, objectId: user.object_id, appId: grant.clientId, authMethod: grant.clientAuth, user: { userPrincipalName: upn, displayName: user.display_name } },
    grant.resource,
  );
  const idToken = await server.issuer.issueIdToken({
    tenantId,
    objectId: user.object_id,
    userPrincipalName: upn,
    displayName: user.display_name,
    clientId: grant.clientId,
    issuer: idTokenIssuer(server, req.endpoint, tenantId),
  });
  const refreshToken = await issueRefreshToken(server.database.db, {
    tenantId,
    clientId: grant.clientId,
    principalId: user.object_id,
    resource: grant.resource,
    familyId: grant.familyId,
  });
  const reply: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: grantedScope(grant.resource, grant.requestedScope),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.accessToken,
    refresh_token: refreshToken,
    id_token: idToken,
  };
  // MSAL asks for client_info with client_info=1.
  if (req.params.get('client_info') === '1') reply.client_info = clientInfo(user.object_id, tenantId);
  return reply;
}
