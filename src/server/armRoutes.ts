import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dispatchArm } from '../arm/dispatch.js';
import type { TypeRegistry } from '../arm/registry.js';
import type { ServerContext } from './context.js';
import { admitArmRequest, earlyArmAdmission } from './armThrottling.js';
import { correlationIdOf } from './requestLogging.js';

/** Every path no other route claims is an ARM request; ARM's routing is case-insensitive, so it is done here rather than by Fastify. */
export function registerArmRoutes(app: FastifyInstance, server: ServerContext, registry: TypeRegistry): void {
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD'],
    url: '/*',
    // Throttling decided before the body is read, for callers whose token is already verified (armThrottling.ts).
    onRequest: earlyArmAdmission(server),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const { pathname, query } = splitUrl(request.url);
      // With throttling on, the caller is authenticated here (its bucket is per principal) and dispatch reuses it.
      // (Off, no promise is made and awaited for nothing: this runs on every ARM request.)
      const principal = server.throttle ? await admitArmRequest(server, request, reply, pathname) : undefined;
      const res = await dispatchArm(server, registry, {
        principal,
        // Metrics label ARM requests by their RBAC action, not their URL.
        onAction: server.metrics ? (action) => server.metrics!.setOperation(request, action) : undefined,
        method: request.method,
        pathname,
        query,
        headers: request.headers,
        body: request.body,
        // The tracing ids the onRequest hook put on the response, for the activity log.
        correlationId: correlationIdOf(request),
        requestId: request.id,
        clientRequestId: headerValue(request.headers['x-ms-client-request-id']),
        clientIp: request.ip,
      });
      reply.code(res.status);
      if (res.headers) reply.headers(res.headers);
      if (res.body === undefined || request.method === 'HEAD') return reply.send();
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(res.body));
    },
  });

  // ARM's tracing headers on every response, errors included.
  // A callback hook, not an async one: it runs on every request, and a promise per request costs throughput.
  app.addHook('onRequest', (request, reply, done) => {
    // The same ids as the request's log lines (requestLogging.ts).
    reply.header('x-ms-request-id', request.id);
    reply.header('x-ms-correlation-request-id', correlationIdOf(request));
    const clientRequestId = headerValue(request.headers['x-ms-client-request-id']);
    if (clientRequestId) reply.header('x-ms-client-request-id', clientRequestId);
    done();
  });
}

export function splitUrl(url: string): { pathname: string; query: Record<string, string | undefined> } {
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const query: Record<string, string | undefined> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!(k in query)) query[k] = v;
  return { pathname, query };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
