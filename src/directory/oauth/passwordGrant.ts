import { verifyUserPassword } from '../users.js';
import { authenticateWithSecret, clientCredentialsOf } from './clientCredentials.js';
import { oauthErrors } from './errors.js';
import type { GrantRequest } from './grant.js';
import { userResourceFromRequest } from './scope.js';
import { userTokenResponse } from './userTokens.js';

/**
 * grant_type=password (resource owner password credentials, what `az login -u -p` sends). Users only; any public
 * client id is accepted (az's is 04b07795-8ddb-461a-bbee-02f9e1bf7b46), and a confidential client must prove its secret.
 */
export async function passwordGrant(req: GrantRequest): Promise<Record<string, unknown>> {
  const { server, params } = req;
  const { clientId, secret } = clientCredentialsOf(params, req.authorization);
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const username = params.get('username');
  if (!username) throw oauthErrors.missingParameter('username');
  const password = params.get('password');
  if (password === null) throw oauthErrors.missingParameter('password');
  const resource = userResourceFromRequest(params);
  if (!resource) throw oauthErrors.missingParameter('scope');
  if (secret) await authenticateWithSecret(server.database.db, req.tenantId, clientId, secret);
  const user = await verifyUserPassword(server.database.db, req.tenantId, username, password);
  return userTokenResponse(req, {
    user,
    clientId,
    clientAuth: secret ? '1' : '0',
    resource,
    requestedScope: params.get('scope'),
  });
}
