import { oauthErrors } from './errors.js';

/**
 * The resource a client-credentials request asks for. v2 sends `scope=<resource>/.default` (az sends
 * `https://host//.default` for a resource id ending in `/`); v1 and ADFS may send `resource=<resource>`.
 */
export function resourceFromRequest(params: URLSearchParams): string {
  const scope = params.get('scope');
  if (scope) {
    const wanted = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    if (wanted.length !== 1 || !wanted[0].endsWith('/.default') || wanted[0].length <= '/.default'.length) throw oauthErrors.invalidScope(scope);
    return wanted[0].slice(0, -'/.default'.length);
  }
  const resource = params.get('resource');
  if (resource) return resource;
  throw oauthErrors.missingParameter('scope');
}

const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'];

/**
 * The resource a user sign-in asks for: one `<resource>/.default` or `<resource>/<permission>` (az sends
 * `https://host//.default offline_access openid profile`), or v1's `resource=`. Undefined when neither is given.
 */
export function userResourceFromRequest(params: URLSearchParams): string | undefined {
  const scope = params.get('scope');
  if (scope) {
    const wanted = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.includes(s.toLowerCase()));
    if (wanted.length === 0) return params.get('resource') ?? undefined;
    const resources = new Set(wanted.map(resourceOfScope));
    if (resources.size !== 1 || resources.has('')) throw oauthErrors.invalidUserScope(scope);
    return [...resources][0];
  }
  return params.get('resource') ?? undefined;
}

/** `https://host//.default` → `https://host/`; `https://management.azure.com/user_impersonation` → `https://management.azure.com`. */
function resourceOfScope(scope: string): string {
  const slash = scope.lastIndexOf('/');
  if (slash <= 0 || slash === scope.length - 1 || !/^[a-z][a-z0-9+.-]*:/i.test(scope)) return '';
  return scope.slice(0, slash);
}

/** The scope string echoed in a user token reply: the resource's `.default` plus the OpenID scopes that were asked for. */
export function grantedScope(resource: string, requested: string | null): string {
  const oidc = (requested ?? '').split(/\s+/).filter((s) => OIDC_SCOPES.includes(s.toLowerCase()));
  const wanted = (requested ?? '').split(/\s+/).filter((s) => s && !OIDC_SCOPES.includes(s.toLowerCase()));
  return [...(wanted.length ? wanted : [`${resource}/.default`]), ...oidc].join(' ');
}
