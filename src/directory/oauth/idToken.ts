import type { ServerContext } from '../../server/context.js';

/** Which token endpoint a request came to: Entra v2, Entra v1, or the ADFS path the az CLI uses. */
export type TokenEndpointKind = 'v2' | 'v1' | 'adfs';

/**
 * The id_token issuer, equal to the `issuer` of the discovery document the client read for that endpoint
 * (MSAL compares them): `{url}/{tenant}/v2.0`, `{url}/{tenant}/` or `{url}/adfs`.
 */
export function idTokenIssuer(server: ServerContext, endpoint: TokenEndpointKind, tenantId: string): string {
  if (endpoint === 'adfs') return `${server.publicUrl}/adfs`;
  if (endpoint === 'v1') return server.issuer.issuerFor(tenantId);
  return `${server.publicUrl}/${tenantId}/v2.0`;
}

/** MSAL's client_info: base64url of `{"uid": <object id>, "utid": <tenant id>}`; it becomes the account's home id `uid.utid`. */
export function clientInfo(objectId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: objectId, utid: tenantId }), 'utf8').toString('base64url');
}
