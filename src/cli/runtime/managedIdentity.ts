import type { StoredCredential } from './profile.js';

/** Where `amity agent` (and Azure's IMDS) answers on a host. */
export const DEFAULT_IMDS_ENDPOINT = 'http://127.0.0.1:40342/metadata/identity/oauth2/token';

type ManagedIdentityCredential = Extract<StoredCredential, { kind: 'managedIdentity' }>;

/** The host's token endpoint: App Service's (IDENTITY_ENDPOINT + IDENTITY_HEADER), `AMITY_IMDS_ENDPOINT`, or IMDS's default. */
export function managedIdentityEndpoint(env: NodeJS.ProcessEnv = process.env): { endpoint: string; identityHeader?: string } {
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) return { endpoint: env.IDENTITY_ENDPOINT, identityHeader: env.IDENTITY_HEADER };
  return { endpoint: env.AMITY_IMDS_ENDPOINT || env.IDENTITY_ENDPOINT || DEFAULT_IMDS_ENDPOINT };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The identity `-u` names, tried in az's order: a resource id, else a GUID as a client id and then as an object id.
 * Each candidate carries az's `user.name` and `assignedIdentityInfo`.
 */
export function identityCandidates(username: string | undefined): { selector: Partial<ManagedIdentityCredential>; name: string; info: string }[] {
  if (!username) return [{ selector: {}, name: 'systemAssignedIdentity', info: 'MSI' }];
  if (username.includes('/')) return [{ selector: { resourceId: username }, name: 'userAssignedIdentity', info: `MSIResource-${username}` }];
  if (!GUID.test(username)) return [{ selector: { clientId: username }, name: 'userAssignedIdentity', info: `MSIClient-${username}` }];
  return [
    { selector: { clientId: username }, name: 'userAssignedIdentity', info: `MSIClient-${username}` },
    { selector: { objectId: username }, name: 'userAssignedIdentity', info: `MSIObject-${username}` },
  ];
}
