import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ArmError } from '../../arm/errors.js';
import type { ServerContext } from '../../server/context.js';
import { registerApplicationRoutes } from './applications.js';
import { registerDirectoryObjectRoutes } from './directoryObjects.js';
import { GraphError, graphErrors, newRequestId } from './errors.js';
import { registerMeRoutes } from './me.js';
import { GRAPH_CONTENT_TYPE } from './request.js';
import { registerServicePrincipalRoutes } from './servicePrincipals.js';
import { registerUserRoutes } from './users.js';

/** Where the directory API lives: `<publicUrl>/msgraph/v1.0/...` (az's `microsoftGraphResourceId` is `<publicUrl>/msgraph/`). */
export const GRAPH_PREFIX = '/msgraph';

/** The Microsoft Graph v1.0 subset `az ad` and Graph clients use, with Graph's error shape and request-id headers. */
export function registerGraphRoutes(app: FastifyInstance, server: ServerContext): void {
  app.register(
    async (graph) => {
      graph.addHook('onRequest', async (req, reply) => {
        const clientRequestId = headerValue(req.headers['client-request-id']) ?? newRequestId();
        reply.header('request-id', newRequestId());
        reply.header('client-request-id', clientRequestId);
      });
      graph.setErrorHandler((error, req, reply) => sendError(server, req, reply, toGraphError(error, req)));
      graph.setNotFoundHandler((req, reply) => sendError(server, req, reply, segmentError(req)));
      registerUserRoutes(graph, server);
      registerApplicationRoutes(graph, server);
      registerServicePrincipalRoutes(graph, server);
      registerDirectoryObjectRoutes(graph, server);
      registerMeRoutes(graph, server);
      // Without this, ARM's catch-all route would answer unknown Graph paths in ARM's shape.
      graph.route({
        method: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'],
        url: '/*',
        handler: async (req, reply) => sendError(server, req, reply, segmentError(req)),
      });
    },
    { prefix: GRAPH_PREFIX },
  );
}

function segmentError(req: FastifyRequest): GraphError {
  const path = req.url.split('?')[0].slice(GRAPH_PREFIX.length);
  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== 'v1.0') return graphErrors.badRequest(`Invalid version: ${segments[0] ?? ''}`);
  return graphErrors.segmentNotFound(decodeURIComponent(segments[1] ?? ''));
}

function toGraphError(error: unknown, req: FastifyRequest): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof ArmError && error.status < 500) return new GraphError(error.status, 'BadRequest', error.message);
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return new GraphError(status, 'BadRequest', (error as Error).message);
  req.log.error({ err: error }, 'Graph request failed');
  return graphErrors.internal();
}

function sendError(server: ServerContext, req: FastifyRequest, reply: FastifyReply, e: GraphError) {
  if (e.status === 401) {
    reply.header('www-authenticate', `Bearer realm="", authorization_uri="${server.publicUrl}/${server.tenantId}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`);
  }
  const requestId = String(reply.getHeader('request-id') ?? newRequestId());
  const clientRequestId = String(reply.getHeader('client-request-id') ?? requestId);
  return reply.code(e.status).type(GRAPH_CONTENT_TYPE).send(JSON.stringify(e.toBody(requestId, clientRequestId)));
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
