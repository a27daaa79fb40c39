import type { HostIdentity, HostRecord } from '../providers/compute/hostIdentities.js';

/** What a token request names (at most one): App Service's `client_id`/`clientid`, `principal_id`/`object_id`, `mi_res_id` (IMDS: `msi_res_id`). */
export type IdentitySelector = { clientId: string } | { principalId: string } | { resourceId: string } | Record<string, never>;

export type Selection = { ok: true; identity: HostIdentity } | { ok: false; description: string };

export const IDENTITY_NOT_FOUND = 'Identity not found';
export const MULTIPLE_USER_ASSIGNED = 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request';

/** Reads the selector from the query; an error text when more than one is given. */
export function selectorFromQuery(query: URLSearchParams): IdentitySelector | { error: string } {
  const pick = (...names: string[]) => names.map((n) => query.get(n)).find((v) => v !== null && v !== '') ?? undefined;
  const clientId = pick('client_id', 'clientid');
  const principalId = pick('principal_id', 'object_id');
  const resourceId = pick('mi_res_id', 'msi_res_id');
  const given = [clientId, principalId, resourceId].filter((v) => v !== undefined);
  if (given.length > 1) return { error: 'Only one of client_id, principal_id (object_id) and mi_res_id may be specified' };
  if (clientId !== undefined) return { clientId };
  if (principalId !== undefined) return { principalId };
  if (resourceId !== undefined) return { resourceId };
  return {};
}

/**
 * The identity a request means, as IMDS chooses: the one named, else the system-assigned identity, else the only
 * user-assigned one; with several user-assigned identities and no selector, IMDS's "Multiple user assigned identities"
 * error. A name that is not assigned to this host, or whose identity was deleted (a dangling reference), is IMDS's
 * 400 "Identity not found" (never 404: the SDK retries a 404 for about 25 s).
 */
export function selectIdentity(host: HostRecord, selector: IdentitySelector): Selection {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const all = [...(host.system ? [host.system] : []), ...host.user];
  let identity: HostIdentity | undefined;
  if ('clientId' in selector) identity = all.find((i) => eq(i.clientId, selector.clientId));
  else if ('principalId' in selector) identity = all.find((i) => eq(i.principalId, selector.principalId));
  else if ('resourceId' in selector) {
    if (host.dangling.some((d) => eq(d, selector.resourceId))) return { ok: false, description: IDENTITY_NOT_FOUND };
    identity = host.user.find((i) => eq(i.resourceId, selector.resourceId)) ?? (host.system && eq(host.system.resourceId, selector.resourceId) ? host.system : undefined);
  } else if (host.system) identity = host.system;
  else if (host.user.length === 1 && host.dangling.length === 0) identity = host.user[0];
  else if (host.user.length + host.dangling.length > 1) return { ok: false, description: MULTIPLE_USER_ASSIGNED };
  return identity ? { ok: true, identity } : { ok: false, description: IDENTITY_NOT_FOUND };
}
