import crypto from 'node:crypto';
import { armErrors } from '../../arm/errors.js';
import { resourceId } from '../../arm/ids.js';
import { idKey } from '../../arm/path.js';
import type { ArmRequest, ArmResponse } from '../../arm/types.js';
import { WRITE_ATTEMPTS } from '../../arm/trackedResource.js';
import { resourceStore } from '../../store/resources.js';
import { forgetRevocation } from '../compute/hostIdentities.js';
import type { IdentityProperties } from './identityProperties.js';

const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** Actions of the identity that exist only in some api-versions: anything else answers as an unknown type would. */
export function requireActionVersion(req: ArmRequest, action: string, versions: readonly string[]): void {
  if (!versions.includes(req.apiVersion)) throw armErrors.invalidResourceType(`userAssignedIdentities/${action}`, 'Microsoft.ManagedIdentity', req.apiVersion, versions);
}

export function identityNotFound(req: ArmRequest) {
  return armErrors.resourceNotFound(`${USER_ASSIGNED_IDENTITY_TYPE}/${req.path.names[0]}`, req.path.resourceGroup!);
}

/**
 * `POST …/userAssignedIdentities/{name}/revokeTokens` (2023-07-31-preview): tokens issued for the identity before
 * now are no longer accepted. Kept as `tokensRevokedBefore` in the identity's stored properties (never shown).
 */
export async function revokeTokens(req: ArmRequest): Promise<ArmResponse> {
  requireActionVersion(req, 'revokeTokens', ['2023-07-31-preview']);
  const key = idKey(resourceId(req.path.subscriptionId!, req.path.resourceGroup!, USER_ASSIGNED_IDENTITY_TYPE, req.path.names));
  const db = req.server.database.db;
  for (let attempt = 1; ; attempt++) {
    const existing = await resourceStore.get(db, key);
    if (!existing) throw identityNotFound(req);
    const props = JSON.parse(existing.properties) as IdentityProperties;
    // Strictly later than any token issued so far, even within the same millisecond.
    props.tokensRevokedBefore = Math.max(Date.now() + 1, (props.tokensRevokedBefore ?? 0) + 1);
    const row = { ...existing, properties: JSON.stringify(props), etag: crypto.randomUUID(), changed_at: new Date().toISOString(), changed_by: req.principal.objectId };
    const done = await db.transaction().execute(async (trx) => {
      if (!(await resourceStore.replace(trx, row, existing.etag))) return false;
      await req.activity.record(trx, { statusCode: 200, scope: existing.id });
      return true;
    });
    if (done) {
      forgetRevocation(existing.id);
      return { status: 200 };
    }
    if (attempt >= WRITE_ATTEMPTS) throw armErrors.concurrentWrite(existing.name);
  }
}
