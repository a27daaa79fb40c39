import crypto from 'node:crypto';

/** An OAuth2 error in Entra's shape: `error`, an `AADSTS` description, `error_codes`, trace and correlation ids. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }

  toBody(correlationId: string): Record<string, unknown> {
    const traceId = crypto.randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${this.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }
}

export const oauthErrors = {
  missingParameter: (name: string) =>
    new OAuthError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) =>
    new OAuthError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  invalidScope: (scope: string) =>
    new OAuthError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  tenantNotFound: (tenant: string) =>
    new OAuthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`),
  applicationNotFound: (clientId: string, tenant: string) =>
    new OAuthError(
      401,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidSecret: (clientId: string) =>
    new OAuthError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  noCredential: () =>
    new OAuthError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  noMatchingFederatedCredential: (issuer: string) =>
    new OAuthError(
      400,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  invalidCredentials: () => new OAuthError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  userNotFound: (upn: string, tenant: string) =>
    new OAuthError(
      400,
      'invalid_grant',
      50034,
      `The user account ${upn} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`,
    ),
  accountLocked: (secondsLeft: number) =>
    new OAuthError(
      400,
      'invalid_grant',
      50053,
      `Your account is locked because you've tried to sign in too many times with an incorrect user ID or password. Try again in ${secondsLeft} second${secondsLeft === 1 ? '' : 's'}.`,
    ),
  accountDisabled: () => new OAuthError(400, 'invalid_grant', 50057, 'The user account is disabled. The account has been disabled by an administrator.'),
  notAUser: (name: string) =>
    new OAuthError(400, 'invalid_grant', 50034, `The user account ${name} does not exist in the directory. Only user accounts can sign in with a password or a device code.`),
  authorizationPending: () =>
    new OAuthError(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  authorizationDeclined: () => new OAuthError(400, 'authorization_declined', 70000, 'The user declined the sign-in request for this device code.'),
  deviceCodeExpired: () => new OAuthError(400, 'expired_token', 70019, 'Verification code expired.'),
  badDeviceCode: () => new OAuthError(400, 'invalid_grant', 70000, "The provided value for the input parameter 'device_code' is not valid."),
  deviceCodeRedeemed: () =>
    new OAuthError(400, 'invalid_grant', 54005, 'OAuth2 device code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  badRefreshToken: () =>
    new OAuthError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid, has expired or was already used.'),
  refreshTokenExpired: () =>
    new OAuthError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity. The token was issued on a previous date and was inactive for too long.'),
  refreshTokenOtherClient: () => new OAuthError(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.'),
  invalidUserScope: (scope: string) =>
    new OAuthError(400, 'invalid_scope', 70011, `The provided request must include a 'scope' input parameter naming one resource, e.g. '<resource>/.default'; '${scope}' does not.`),
  serverError: () =>
    new OAuthError(500, 'server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.'),
  contentType: () =>
    new OAuthError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests with Content-Type application/x-www-form-urlencoded.'),
};
