import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { registerDevicePage } from '../devicePage.js';
import { authenticateWithSecret, clientCredentialsOf } from './clientCredentials.js';
import { DEVICE_CODE_GRANT, deviceAuthorization, deviceCodeGrant } from './deviceCode.js';
import { adfsConfiguration, v2Configuration } from './discovery.js';
import { OAuthError, oauthErrors } from './errors.js';
import type { GrantRequest } from './grant.js';
import type { TokenEndpointKind } from './idToken.js';
import { passwordGrant } from './passwordGrant.js';
import { refreshTokenGrant } from './refreshTokens.js';
import { resourceFromRequest } from './scope.js';
import { JWT_BEARER } from '../federation/exchange.js';

/** The OAuth2/OpenID endpoints of the tenant: Entra's v2 paths, v1 paths and the ADFS paths the az CLI needs. */
export function registerOAuthRoutes(app: FastifyInstance, server: ServerContext): void {
  const jwks = async (_req: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'max-age=300').send(server.keys.jwks());

  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const tenant = (req.params as { tenant: string }).tenant;
    if (!isOurTenant(server, tenant)) return sendOAuthError(reply, oauthErrors.tenantNotFound(tenant));
    return v2Configuration(server.publicUrl, server.tenantId);
  });
  app.get('/:tenant/.well-known/openid-configuration', async (req, reply) => {
    const tenant = (req.params as { tenant: string }).tenant;
    if (!isOurTenant(server, tenant)) return sendOAuthError(reply, oauthErrors.tenantNotFound(tenant));
    return { ...v2Configuration(server.publicUrl, server.tenantId), token_endpoint: `${server.publicUrl}/${server.tenantId}/oauth2/token`, issuer: server.issuer.issuerFor(server.tenantId) };
  });
  app.get('/adfs/.well-known/openid-configuration', async () => adfsConfiguration(server.publicUrl));
  app.get('/:tenant/discovery/v2.0/keys', jwks);
  app.get('/:tenant/discovery/keys', jwks);
  app.get('/adfs/discovery/keys', jwks);

  const token = (tenantOf: (req: FastifyRequest) => string, endpoint: TokenEndpointKind) => async (req: FastifyRequest) =>
    tokenEndpoint(server, tenantOf(req), endpoint, req);
  const devicecode = (tenantOf: (req: FastifyRequest) => string, endpoint: TokenEndpointKind) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(req.body instanceof URLSearchParams)) throw oauthErrors.contentType();
    const tenant = tenantOf(req);
    if (!isOurTenant(server, tenant)) throw oauthErrors.tenantNotFound(tenant);
    return reply.header('cache-control', 'no-store').send(await deviceAuthorization(server, server.tenantId, endpoint, req.body));
  };
  // Every failure, including a body that fails to parse (bad JSON, no content type), is answered in Entra's shape, not ARM's.
  const errorHandler = (error: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return sendOAuthError(reply, oauthErrors.contentType());
    req.log.error({ err: error }, 'token request failed');
    return sendOAuthError(reply, oauthErrors.serverError());
  };
  const tenantParam = (req: FastifyRequest) => (req.params as { tenant: string }).tenant;
  const ourTenant = () => server.tenantId;
  app.post('/:tenant/oauth2/v2.0/token', { errorHandler }, token(tenantParam, 'v2'));
  app.post('/:tenant/oauth2/token', { errorHandler }, token(tenantParam, 'v1'));
  app.post('/adfs/oauth2/token', { errorHandler }, token(ourTenant, 'adfs'));
  app.post('/:tenant/oauth2/v2.0/devicecode', { errorHandler }, devicecode(tenantParam, 'v2'));
  app.post('/:tenant/oauth2/devicecode', { errorHandler }, devicecode(tenantParam, 'v1'));
  app.post('/adfs/oauth2/devicecode', { errorHandler }, devicecode(ourTenant, 'adfs'));

  // Advertised by discovery (MSAL requires an authorization_endpoint) but the browser code flow is not offered.
  const authorize = async (_req: FastifyRequest, reply: FastifyReply) =>
    htmlPage(
      reply,
      400,
      'Sign-in not available here',
      `Interactive browser sign-in (the authorization code flow) is not offered by this server. Sign in with a device code (<code>az login --use-device-code</code>, then open <a href="/devicelogin">/devicelogin</a>) or with a user name and password (<code>az login -u &lt;user&gt; -p &lt;password&gt;</code>).`,
    );
  const logout = async (_req: FastifyRequest, reply: FastifyReply) =>
    htmlPage(reply, 200, 'Signed out', 'You have signed out. This server keeps no browser sessions, so there is nothing else to do. You may close this window.');
  for (const prefix of ['/:tenant/oauth2/v2.0', '/:tenant/oauth2', '/adfs/oauth2']) {
    app.get(`${prefix}/authorize`, authorize);
    app.get(`${prefix}/logout`, logout);
  }
  registerDevicePage(app, server);
}

function htmlPage(reply: FastifyReply, status: number, title: string, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} - Amity</title></head><body><h1>${title}</h1><p>${html}</p></body></html>`);
}

function isOurTenant(server: ServerContext, tenant: string): boolean {
  return tenant.toLowerCase() === server.tenantId;
}

async function tokenEndpoint(server: ServerContext, tenant: string, endpoint: TokenEndpointKind, req: FastifyRequest): Promise<Record<string, unknown>> {
  if (!(req.body instanceof URLSearchParams)) throw oauthErrors.contentType();
  if (!isOurTenant(server, tenant)) throw oauthErrors.tenantNotFound(tenant);
  const params = req.body;
  const grant = params.get('grant_type');
  if (!grant) throw oauthErrors.missingParameter('grant_type');
  const grantRequest: GrantRequest = { server, tenantId: server.tenantId, endpoint, params, authorization: req.headers.authorization };
  switch (grant) {
    case 'client_credentials':
      return clientCredentialsGrant(server, req, params);
    case 'password':
      return passwordGrant(grantRequest);
    case DEVICE_CODE_GRANT:
    case 'device_code':
      return deviceCodeGrant(grantRequest);
    case 'refresh_token':
      return refreshTokenGrant(grantRequest);
    default:
      throw oauthErrors.unsupportedGrant(grant);
  }
}

async function clientCredentialsGrant(server: ServerContext, req: FastifyRequest, params: URLSearchParams): Promise<Record<string, unknown>> {
  const { clientId, secret } = clientCredentialsOf(params, req.headers.authorization);
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const resource = resourceFromRequest(params);
  const assertion = params.get('client_assertion');
  if (assertion && !secret) {
    const assertionType = params.get('client_assertion_type');
    if (assertionType !== JWT_BEARER) throw oauthErrors.missingParameter('client_assertion_type');
    const exchanged = await server.federation.exchange(clientId, assertion, resource);
    return { token_type: 'Bearer', expires_in: exchanged.expiresIn, ext_expires_in: exchanged.expiresIn, access_token: exchanged.accessToken };
  }
  if (!secret) throw oauthErrors.noCredential();
  const subject = await authenticateWithSecret(server.database.db, server.tenantId, clientId, secret);
  const issued = await server.issuer.issue(subject, resource);
  return { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken };
}

function sendOAuthError(reply: FastifyReply, e: OAuthError) {
  const correlation = crypto.randomUUID();
  return reply.code(e.status).header('cache-control', 'no-store').send(e.toBody(correlation));
}
