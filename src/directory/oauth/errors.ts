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
  serverError: () =>
    new OAuthError(500, 'server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.'),
  contentType: () =>
    new OAuthError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests with Content-Type application/x-www-form-urlencoded.'),
};
