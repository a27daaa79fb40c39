/** OpenID discovery documents: the v2 one MSAL (JS SDK) reads and the ADFS one the az CLI reads. */

/** Every grant the token endpoints serve. */
const GRANT_TYPES = ['client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'];

export function v2Configuration(publicUrl: string, tenantId: string): Record<string, unknown> {
  const base = `${publicUrl}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'appid', 'ver', 'preferred_username', 'upn', 'name'],
    tenant_region_scope: null,
    cloud_instance_name: new URL(publicUrl).host,
    grant_types_supported: GRANT_TYPES,
  };
}

export function adfsConfiguration(publicUrl: string): Record<string, unknown> {
  const base = `${publicUrl}/adfs`;
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    jwks_uri: `${base}/discovery/keys`,
    end_session_endpoint: `${base}/oauth2/logout`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    id_token_signing_alg_values_supported: ['RS256'],
    grant_types_supported: GRANT_TYPES,
    scopes_supported: ['openid', 'profile', 'offline_access'],
    access_token_issuer: `${publicUrl}/`,
  };
}
