import type { FastifyInstance } from 'fastify';
import { ArmError } from '../arm/errors.js';
import type { ServerContext } from '../server/context.js';
import { registerAuthRoutes } from './authRoutes.js';
import { PortalError } from './errors.js';
import { registerProxyRoutes } from './proxy.js';
import { COMMON_HEADERS } from './securityHeaders.js';
import { registerStaticRoutes } from './static.js';
import { PortalTokens } from './userTokens.js';

/**
 * The web portal: the built React page at /portal/ (and / redirecting there), and its backend-for-frontend under
 * /portal/api/ (session sign-in and sign-out, and the ARM and Graph proxies). Own error handler: the page reads
 * `{ error: { code, message } }` from everything.
 */
export function registerPortal(app: FastifyInstance, server: ServerContext): void {
  app.register(async (portal) => {
    const tokens = new PortalTokens(server);
    portal.addHook('onRequest', async (req, reply) => {
      reply.headers(COMMON_HEADERS);
      if (req.url.startsWith('/portal/api/')) reply.header('cache-control', 'no-store');
    });
    portal.setErrorHandler((error, req, reply) => {
      const e = toPortalError(error);
      if (e.status >= 500) req.log.error({ err: error }, 'portal request failed');
      reply.code(e.status).type('application/json; charset=utf-8').send(JSON.stringify(e.toBody()));
    });
    registerStaticRoutes(portal);
    registerAuthRoutes(portal, server, tokens);
    registerProxyRoutes(portal, app, server, tokens);
  });
}

/** Our own errors as they are; the body parser's and Fastify's 4xx (e.g. a malformed body) with their message; anything else a bare 500. */
function toPortalError(error: unknown): PortalError {
  if (error instanceof PortalError) return error;
  // The app's JSON body parser reports malformed JSON as an ARM error.
  if (error instanceof ArmError && error.status < 500) return new PortalError(error.status, error.code, error.message);
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return new PortalError(status, 'BadRequest', (error as Error).message);
  return new PortalError(500, 'InternalServerError', 'The portal could not complete the request.');
}
