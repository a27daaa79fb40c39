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
