import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server/context.js';
import { portalErrors } from './errors.js';
import { checkSameOrigin, requireSession } from './guard.js';
import type { Audience, PortalTokens } from './userTokens.js';

/** The ARM paths the portal forwards: subscription, tenant and provider scopes (what the pages use), nothing else. */
const ARM_PATH = /^\/(subscriptions|providers|tenants)(\/|$)/i;
const GRAPH_PATH = /^\/v1\.0\//;
/** Response headers worth passing on (tracing, paging and long-running operation links). */
const PASSED_HEADERS = ['x-ms-request-id', 'x-ms-correlation-request-id', 'request-id', 'client-request-id', 'location', 'azure-asyncoperation', 'retry-after', 'etag'];

/**
 * `/portal/api/arm/<ARM path>` and `/portal/api/graph/<Graph path>`: the same request, made inside the server
 * (app.inject, no network) with the session user's bearer token instead of the cookie. It goes through the very
 * routes a REST client reaches, so authentication, RBAC, throttling and the activity log apply unchanged.
 */
export function registerProxyRoutes(app: FastifyInstance, root: FastifyInstance, server: ServerContext, tokens: PortalTokens): void {
  const forward = (audience: Audience, prefix: string, allowed: RegExp, target: (path: string) => string) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      checkSameOrigin(server, req);
      const session = await requireSession(server, req);
      const rest = req.url.slice(prefix.length);
      const path = rest.split('?')[0];
      if (!allowed.test(path) || /(^|\/)\.\.?(\/|$)|%2e|%2f|\\/i.test(path)) throw portalErrors.notProxied(path);
      const headers: Record<string, string> = {
        authorization: `Bearer ${await tokens.tokenFor(session, audience)}`,
        accept: 'application/json',
      };
      const clientRequestId = req.headers['x-ms-client-request-id'];
      if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
      let payload: string | undefined;
      if (req.body !== undefined) {
        payload = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      const res = await root.inject({ method: req.method as 'GET', url: target(rest), headers, payload, remoteAddress: req.ip });
      for (const name of PASSED_HEADERS) {
        const v = res.headers[name];
        if (v !== undefined) reply.header(name, v);
      }
      reply.code(res.statusCode);
      const type = res.headers['content-type'];
      if (type) reply.type(String(type));
      return reply.send(res.rawPayload.length ? res.rawPayload : undefined);
    };

  app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'], url: '/portal/api/arm/*', handler: forward('arm', '/portal/api/arm', ARM_PATH, (rest) => rest) });
  app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'], url: '/portal/api/graph/*', handler: forward('graph', '/portal/api/graph', GRAPH_PATH, (rest) => `/msgraph${rest}`) });
}
