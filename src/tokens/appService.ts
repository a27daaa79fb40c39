import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server/context.js';
import { selectorFromQuery } from './selectIdentity.js';

export const LEGACY_API_VERSION = '2017-09-01';
export const API_VERSION = '2019-08-01';

/**
 * App Service's managed identity endpoint, served by the server at `<publicUrl>/msi/token`: what a host's
 * `regenerateIdentityCredential` hands out as `IDENTITY_ENDPOINT` / `IDENTITY_HEADER`, and what `amity agent` forwards
 * IMDS requests to. Errors are IMDS's `{error, error_description}` with 400 for a bad request or an unknown identity
 * (never 404, which the SDK retries for about 25 s), 401 for a missing or wrong credential (App Service answers 401
 * "Invalid secret token header"), 429 with Retry-After when the host is throttled.
 */
export function registerAppServiceRoutes(app: FastifyInstance, server: ServerContext): void {
  const token = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
    const apiVersion = query.get('api-version');
    if (!apiVersion) return sendError(reply, 400, 'invalid_request', "Required query variable 'api-version' is missing");
    const legacy = apiVersion === LEGACY_API_VERSION;
    // 2019-08-01 and later: X-IDENTITY-HEADER. 2017-09-01: the `Secret` header (MSI_SECRET).
    const secret = legacy ? (header(request, 'secret') ?? header(request, 'x-identity-header')) : header(request, 'x-identity-header');
    const hostKey = await server.workloadTokens.hostFor(secret);
    if (!hostKey) return sendError(reply, 401, 'invalid_request', `Invalid secret token header: ${legacy ? 'Secret' : 'X-IDENTITY-HEADER'} is missing or wrong.`);
    const resource = query.get('resource');
    if (!resource) return sendError(reply, 400, 'invalid_request', "Required query variable 'resource' is missing");
    const selector = selectorFromQuery(query);
    if ('error' in selector) return sendError(reply, 400, 'invalid_request', selector.error);
    const outcome = await server.workloadTokens.token(hostKey, resource, selector);
    if (!outcome.ok) {
      if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
      return sendError(reply, outcome.status, outcome.error, outcome.description);
    }
    const t = outcome.token;
    const expiresIn = Math.max(0, t.expiresOn - Math.floor(Date.now() / 1000));
    // Every value a string, as App Service and IMDS send them; `expires_on` is what the SDKs read.
    const body: Record<string, string> = {
      access_token: t.accessToken,
      expires_on: String(t.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: t.clientId,
      expires_in: String(expiresIn),
      not_before: String(t.notBefore),
    };
    return reply.code(200).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(body));
  };

  // The agent polls this to drop its cache when the host's identities change (revocation, unassignment, deletion).
  const state = async (request: FastifyRequest, reply: FastifyReply) => {
    const hostKey = await server.workloadTokens.hostFor(header(request, 'x-identity-header') ?? header(request, 'secret'));
    if (!hostKey) return sendError(reply, 401, 'invalid_request', 'Invalid secret token header: X-IDENTITY-HEADER is missing or wrong.');
    const version = await server.workloadTokens.stateVersion(hostKey);
    return reply.code(200).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify({ version }));
  };

  for (const p of ['/msi/token', '/msi/token/', '/MSI/token', '/MSI/token/']) app.get(p, token);
  app.get('/msi/state', state);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  const value = Array.isArray(v) ? v[0] : v;
  return value === undefined || value === '' ? undefined : value;
}

function sendError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify({ error, error_description: description }));
}
