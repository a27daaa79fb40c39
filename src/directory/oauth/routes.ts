import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { authenticateWithSecret, clientCredentialsOf } from './clientCredentials.js';
import { adfsConfiguration, v2Configuration } from './discovery.js';
import { OAuthError, oauthErrors } from './errors.js';
import { resourceFromRequest } from './scope.js';

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

  const token = (tenantOf: (req: FastifyRequest) => string) => async (req: FastifyRequest) => tokenEndpoint(server, tenantOf(req), req);
  // Every failure, including a body that fails to parse (bad JSON, no content type), is answered in Entra's shape, not ARM's.
  const errorHandler = (error: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return sendOAuthError(reply, oauthErrors.contentType());
    req.log.error({ err: error }, 'token request failed');
    return sendOAuthError(reply, oauthErrors.serverError());
  };
  const tenantParam = (req: FastifyRequest) => (req.params as { tenant: string }).tenant;
  app.post('/:tenant/oauth2/v2.0/token', { errorHandler }, token(tenantParam));
  app.post('/:tenant/oauth2/token', { errorHandler }, token(tenantParam));
  app.post('/adfs/oauth2/token', { errorHandler }, token(() => server.tenantId));
}

function isOurTenant(server: ServerContext, tenant: string): boolean {
  return tenant.toLowerCase() === server.tenantId;
}

async function tokenEndpoint(server: ServerContext, tenant: string, req: FastifyRequest): Promise<Record<string, unknown>> {
  if (!(req.body instanceof URLSearchParams)) throw oauthErrors.contentType();
  if (!isOurTenant(server, tenant)) throw oauthErrors.tenantNotFound(tenant);
  const params = req.body;
  const grant = params.get('grant_type');
  if (!grant) throw oauthErrors.missingParameter('grant_type');
  if (grant !== 'client_credentials') throw oauthErrors.unsupportedGrant(grant);
  const { clientId, secret } = clientCredentialsOf(params, req.headers.authorization);
  if (!clientId) throw oauthErrors.missingParameter('client_id');
  const resource = resourceFromRequest(params);
  const assertion = params.get('client_assertion');
  if (assertion && !secret) throw oauthErrors.noMatchingFederatedCredential(assertionIssuer(assertion));
  if (!secret) throw oauthErrors.noCredential();
  const subject = await authenticateWithSecret(server.database.db, server.tenantId, clientId, secret);
  const issued = await server.issuer.issue(subject, resource);
  return { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken };
}

function sendOAuthError(reply: FastifyReply, e: OAuthError) {
  const correlation = crypto.randomUUID();
  return reply.code(e.status).header('cache-control', 'no-store').send(e.toBody(correlation));
}

function assertionIssuer(assertion: string): string {
  try {
    return String(JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')).iss ?? '');
  } catch {
    return '';
  }
}
