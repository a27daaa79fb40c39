import crypto from 'node:crypto';
import type { ServerContext } from '../../server/context.js';
import { deviceCodeStore } from '../../store/deviceCodes.js';
import { activeUser } from '../users.js';
import { oauthErrors } from './errors.js';
import type { GrantRequest } from './grant.js';
import { randomToken, tokenHash } from './hashing.js';
import type { TokenEndpointKind } from './idToken.js';
import { userResourceFromRequest } from './scope.js';
import { userTokenResponse } from './userTokens.js';

export const DEVICE_CODE_LIFETIME_SECONDS = 900;
export const DEVICE_CODE_POLL_INTERVAL_SECONDS = 5;
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Consonants without look-alikes (no vowels, so no words; no I/L/O): 8 of them is 20^8 ≈ 2.6e10 codes. */
const USER_CODE_ALPHABET = 'BCDFGHJKMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

export function verificationUri(server: ServerContext): string {
  return `${server.publicUrl}/devicelogin`;
}

/** What a person types: case, spaces and dashes do not matter. */
export function normalizeUserCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[crypto.randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** POST …/devicecode (RFC 8628 §3.1): starts a device-code sign-in for a user. */
export async function deviceAuthorization(server: ServerContext, tenantId: string, endpoint: TokenEndpointKind, params: URLSearchParams): Promise<Record<string, unknown>> {
  const clientId = params.get('client_id');
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const resource = userResourceFromRequest(params);
  if (!resource) throw oauthErrors.missingParameter('scope');
  const db = server.database.db;
  const now = new Date();
  await deviceCodeStore.purgeExpired(db, new Date(now.getTime() - 24 * 3600 * 1000).toISOString());
  const deviceCode = randomToken('dc.');
  for (let attempt = 0; ; attempt++) {
    const userCode = newUserCode();
    try {
      await deviceCodeStore.insert(db, {
        device_code_hash: tokenHash(deviceCode),
        user_code: userCode,
        tenant_id: tenantId,
        client_id: clientId.toLowerCase(),
        resource,
        scope: params.get('scope') ?? '',
        endpoint,
        status: 'pending',
        principal_id: null,
        form_token_hash: null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + DEVICE_CODE_LIFETIME_SECONDS * 1000).toISOString(),
      });
    } catch (e) {
      // A user code still in use (unique): draw another.
      if (attempt < 5 && (await deviceCodeStore.byUserCode(db, userCode))) continue;
      throw e;
    }
    const uri = verificationUri(server);
    const reply: Record<string, unknown> = {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: uri,
      expires_in: DEVICE_CODE_LIFETIME_SECONDS,
      interval: DEVICE_CODE_POLL_INTERVAL_SECONDS,
      message: `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`,
    };
    // Entra's v1 endpoint (and ADAL) name it verification_url.
    if (endpoint !== 'v2') reply.verification_url = uri;
    return reply;
  }
}

/**
 * grant_type=urn:ietf:params:oauth:grant-type:device_code: authorization_pending until the user approves on the
 * device page, authorization_declined or expired_token, then the tokens, once.
 */
export async function deviceCodeGrant(req: GrantRequest): Promise<Record<string, unknown>> {
  const { server, params } = req;
  const db = server.database.db;
  // MSAL sends the code as both device_code and code.
  const code = params.get('device_code') ?? params.get('code');
  if (!code) throw oauthErrors.missingParameter('device_code');
  const clientId = params.get('client_id');
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const hash = tokenHash(code);
  const row = await deviceCodeStore.byHash(db, hash);
  if (!row || row.tenant_id !== req.tenantId || row.client_id !== clientId.toLowerCase()) throw oauthErrors.badDeviceCode();
  if (row.status === 'redeemed') throw oauthErrors.deviceCodeRedeemed();
  const now = new Date().toISOString();
  if (row.expires_at <= now) throw oauthErrors.deviceCodeExpired();
  if (row.status === 'declined') throw oauthErrors.authorizationDeclined();
  if (row.status !== 'approved' || !row.principal_id) throw oauthErrors.authorizationPending();
  if (!(await deviceCodeStore.transition(db, hash, 'approved', 'redeemed', now))) throw oauthErrors.deviceCodeRedeemed();
  const user = await activeUser(db, row.principal_id);
  return userTokenResponse(req, {
    user,
    clientId,
    clientAuth: '0',
    resource: row.resource,
    requestedScope: row.scope || null,
  });
}
