import { ArmError } from '../../arm/errors.js';
import { idKey } from '../../arm/path.js';
import type { ArmRequest, ArmResponse, ResourceTypeDef } from '../../arm/types.js';
import { resourceStore } from '../../store/resources.js';
import { storedIdentityOfRow } from '../compute/storedIdentity.js';
import { MSI_API_VERSIONS, versionFeatures } from './apiVersions.js';

/** The resource id a `/{scope}/providers/Microsoft.ManagedIdentity/identities/default` path hangs off. */
function scopeIdOf(pathname: string): string {
  const segs = pathname.split('/').filter((s) => s.length > 0);
  return `/${segs.slice(0, -4).map(decode).join('/')}`;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function get(req: ArmRequest): Promise<ArmResponse> {
  const scopeId = scopeIdOf(req.pathname);
  const name = req.path.names[0];
  const row = name.toLowerCase() === 'default' ? await resourceStore.get(req.server.database.db, idKey(scopeId)) : undefined;
  const identity = row ? storedIdentityOfRow(row) : undefined;
  if (!row || !identity?.system) {
    throw new ArmError(404, 'ResourceNotFound', `The resource '${scopeId}' has no system-assigned identity (Microsoft.ManagedIdentity/identities/${name}).`);
  }
  const id = `${row.id}/providers/Microsoft.ManagedIdentity/identities/default`;
  const { principalId, clientId } = identity.system;
  const properties: Record<string, unknown> = { tenantId: identity.tenantId, principalId, clientId };
  properties.clientSecretUrl = versionFeatures.clientSecretUrl(req.apiVersion)
    ? `https://control.amity.local${id}/credentials?tid=${identity.tenantId}&oid=${principalId}&aid=${clientId}`
    : `https://control.amity.local${id}/credentials/v2/identities?tid=${identity.tenantId}&said=${clientId}`;
  return {
    status: 200,
    body: { id, name: 'default', type: 'Microsoft.ManagedIdentity/identities', location: row.location, tags: {}, properties },
  };
}

/** `GET /{scope}/providers/Microsoft.ManagedIdentity/identities/default`: the system-assigned identity of a resource. */
export const systemAssignedIdentities: ResourceTypeDef = {
  type: 'Microsoft.ManagedIdentity/identities',
  apiVersions: MSI_API_VERSIONS,
  apiVersionStyle: 'provider',
  scopes: ['resource'],
  item: { GET: get },
};
