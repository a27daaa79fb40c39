import { API_VERSIONS, arm, withApiVersion, type ArmPage } from '../../api/arm.js';

/** A federated identity credential as ARM returns it (only the fields the tab reads). */
export interface FederatedCredential {
  id: string;
  name: string;
  properties: { issuer: string; subject?: string; audiences: string[] };
}

export function credentialsPath(identityId: string): string {
  return `${identityId}/federatedIdentityCredentials`;
}

/** Every credential of an identity (at most 20, but the nextLink is followed all the same). */
export async function listCredentials(identityId: string, signal?: AbortSignal): Promise<FederatedCredential[]> {
  const all: FederatedCredential[] = [];
  let next: string | undefined = withApiVersion(credentialsPath(identityId), API_VERSIONS.managedIdentity);
  while (next) {
    const page: ArmPage<FederatedCredential> = await arm.get<ArmPage<FederatedCredential>>(next, { signal });
    all.push(...page.value);
    next = page.nextLink;
  }
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

export function putCredential(identityId: string, name: string, body: unknown): Promise<FederatedCredential> {
  return arm.put<FederatedCredential>(withApiVersion(`${credentialsPath(identityId)}/${encodeURIComponent(name)}`, API_VERSIONS.managedIdentity), body);
}

export function deleteCredential(credentialId: string): Promise<unknown> {
  return arm.delete(withApiVersion(credentialId, API_VERSIONS.managedIdentity));
}
