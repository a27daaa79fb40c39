import type { Db } from '../../store/resources.js';
import { principalStore } from '../../store/principals.js';
import { applicationStore } from '../../store/applications.js';
import { hashClientSecret, isSlowClientSecretHash, verifySecret } from '../secrets.js';
import type { TokenSubject } from '../issuer.js';
import { oauthErrors } from './errors.js';

/** The client id and secret, from the form body or from HTTP Basic authentication (RFC 6749 §2.3.1). */
export function clientCredentialsOf(params: URLSearchParams, authorization: string | undefined): { clientId: string | null; secret: string | null } {
  const basic = authorization && /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  }
  return { clientId: params.get('client_id'), secret: params.get('client_secret') };
}

/**
 * RFC 6749 §2.3.1 form-encodes the id and secret before base64; clients that skip that step send a
 * literal `%` that is not an escape, so a value that does not decode is taken as it is.
 */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Authenticates a confidential client by its secret, comparing against salted hashes only. */
export async function authenticateWithSecret(db: Db, tenantId: string, clientId: string, secret: string): Promise<TokenSubject> {
  const principal = await principalStore.byAppId(db, clientId);
  if (!principal || principal.tenant_id !== tenantId || principal.kind !== 'ServicePrincipal') {
    throw oauthErrors.applicationNotFound(clientId, tenantId);
  }
  const now = new Date().toISOString();
  // Secrets hang off the service principal (the bootstrap administrator's) or off its application (Graph addPassword).
  const application = await applicationStore.byAppId(db, clientId);
  const owners = application && application.tenant_id === tenantId ? [principal.object_id, application.object_id] : [principal.object_id];
  const credentials = (await Promise.all(owners.map((owner) => principalStore.credentialsOf(db, owner)))).flat();
  for (const credential of credentials) {
    if (credential.kind !== 'secret') continue;
    if (credential.expires_at && credential.expires_at < now) continue;
    if (await verifySecret(secret, credential.secret_hash)) {
      // Written by an older version in scrypt: stored again in the fast form, so the next grant skips scrypt.
      if (isSlowClientSecretHash(credential.secret_hash)) await principalStore.rehashCredential(db, credential.id, credential.secret_hash, hashClientSecret(secret));
      return { tenantId, objectId: principal.object_id, appId: principal.app_id!, authMethod: '1' };
    }
  }
  throw oauthErrors.invalidSecret(clientId);
}
