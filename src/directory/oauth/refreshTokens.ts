import crypto from 'node:crypto';
import type { Db } from '../../store/resources.js';
import { refreshTokenStore } from '../../store/refreshTokens.js';
import { activeUser } from '../users.js';
import { oauthErrors } from './errors.js';
import { randomToken, tokenHash } from './hashing.js';
import type { GrantRequest } from './grant.js';
import { userResourceFromRequest } from './scope.js';
import { userTokenResponse } from './userTokens.js';

/** Entra's default: a refresh token unused for 90 days expires. */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 24 * 3600;

/** Stores the hash of a new refresh token and returns the token. */
export async function issueRefreshToken(
  db: Db,
  t: { tenantId: string; clientId: string; principalId: string; resource: string; familyId?: string },
): Promise<string> {
  const token = randomToken('ar.');
  const now = new Date();
  await refreshTokenStore.insert(db, {
    token_hash: tokenHash(token),
    family_id: t.familyId ?? crypto.randomUUID(),
    tenant_id: t.tenantId,
    client_id: t.clientId.toLowerCase(),
    principal_id: t.principalId,
    resource: t.resource,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
  });
  return token;
}

/**
 * grant_type=refresh_token: a new access token (for the resource in `scope`, else the original one) and a new
 * refresh token. Each refresh token is used once; presenting a used one again revokes its whole family.
 */
export async function refreshTokenGrant(req: GrantRequest): Promise<Record<string, unknown>> {
  const { server, params } = req;
  const db = server.database.db;
  const token = params.get('refresh_token');
  if (!token) throw oauthErrors.missingParameter('refresh_token');
  const clientId = params.get('client_id');
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const hash = tokenHash(token);
  const row = await refreshTokenStore.byHash(db, hash);
  if (!row || row.tenant_id !== req.tenantId) throw oauthErrors.badRefreshToken();
  if (row.client_id !== clientId.toLowerCase()) throw oauthErrors.refreshTokenOtherClient();
  const now = new Date().toISOString();
  if (row.expires_at <= now) throw oauthErrors.refreshTokenExpired();
  if (row.redeemed_at !== null || !(await refreshTokenStore.redeem(db, hash, now))) {
    await refreshTokenStore.revokeFamily(db, row.family_id);
    throw oauthErrors.badRefreshToken();
  }
  const user = await activeUser(db, row.principal_id);
  return userTokenResponse(req, {
    user,
    clientId,
    clientAuth: '0',
    resource: userResourceFromRequest(params) ?? row.resource,
    requestedScope: params.get('scope'),
    familyId: row.family_id,
  });
}
