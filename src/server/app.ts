import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { ArmError, armErrors } from '../arm/errors.js';
import { registerOAuthRoutes } from '../directory/oauth/routes.js';
import { registerGraphRoutes } from '../directory/graph/routes.js';
import { registerAppServiceRoutes } from '../tokens/appService.js';
import { registerArmRoutes } from './armRoutes.js';
import { registerPortal } from '../portal/routes.js';
import type { ServerContext } from './context.js';
import { metadataEndpoints } from './metadataEndpoints.js';
import { buildRegistry } from './registry.js';
import { acceptsJsonc, parseJsonc } from '../providers/resources/deploymentsBody.js';
import { registerHealthRoutes } from './health.js';
import { requestLoggingOptions } from './requestLogging.js';
import { DrainAwareResponse } from './drain.js';

export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Builds the HTTP application: content parsing, errors in ARM's envelope, OAuth routes, then ARM for everything else. */
export function buildApp(server: ServerContext, options: { https: { cert: string; key: string }; logger: FastifyServerOptions['logger']; metrics?: boolean }): FastifyInstance {
  const app = Fastify({
    // Its responses say `Connection: close` while the server drains on shutdown (drain.ts).
    https: { ...options.https, ServerResponse: DrainAwareResponse as typeof ServerResponse },
    // Request and correlation ids on every log line; no headers or bodies in them (requestLogging.ts).
    ...requestLoggingOptions(options.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    exposeHeadRoutes: false,
    // Some clients send `//subscriptions/...`; Node's URL parser would read the first segment as a host.
    rewriteUrl: (req) => (req.url ?? '/').replace(/^\/{2,}/, '/'),
    return503OnClosing: true,
    // In-flight requests finish on shutdown; idle keep-alive connections close at once (drain.ts bounds the wait).
    forceCloseConnections: 'idle',
    // A URL that cannot be decoded (`%*`, a lone `%`) gets ARM's envelope, not Fastify's own body naming its internals.
    frameworkErrors: (_error, _request, res) => {
      const reply = res as unknown as FastifyReply;
      reply.code(400).type('application/json; charset=utf-8').send(JSON.stringify(armErrors.badRequest('InvalidUri', 'The request URI is invalid.').toBody()));
    },
  }) as unknown as FastifyInstance;
  server.log = app.log;

  app.removeAllContentTypeParsers();
  const parseJson = (req: { method?: string; url?: string }, text: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const body = String(text).trim();
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch (e) {
      // Template deployments alone also take az's JSONC body (see deploymentsBody.ts); every other route stays strict.
      if (acceptsJsonc(req.method, req.url)) {
        try {
          return done(null, parseJsonc(body));
        } catch {
          // fall through: report strict JSON's error, which names the position as ARM's does
        }
      }
      done(armErrors.invalidRequestContent(e instanceof Error ? e.message : 'Invalid JSON'), undefined);
    }
  };
  app.addContentTypeParser(['application/json', 'text/json'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, text, done) => {
    done(null, new URLSearchParams(text as string));
  });
  // Bodies with no or another content type are read as JSON, as ARM does.
  app.addContentTypeParser('*', { parseAs: 'string' }, parseJson);

  app.setErrorHandler((error, request, reply) => {
    const armError = toArmError(error);
    if (armError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (armError.status === 401) {
      const invalid = armError.code !== 'AuthenticationFailed' ? ', error="invalid_token"' : '';
      reply.header('www-authenticate', `Bearer authorization_uri="${server.publicUrl}/${server.tenantId}", error_description="${armError.message.replace(/"/g, "'")}"${invalid}`);
    }
    reply.code(armError.status).headers(armError.headers).type('application/json; charset=utf-8').send(JSON.stringify(armError.toBody()));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/json; charset=utf-8').send(JSON.stringify(armErrors.notFound(request.url.split('?')[0]).toBody()));
  });

  server.metrics?.install(app);
  registerHealthRoutes(app, server, { metrics: options.metrics ?? true });
  app.get('/metadata/endpoints', async () => metadataEndpoints(server.publicUrl));
  registerOAuthRoutes(app, server);
  registerGraphRoutes(app, server);
  registerAppServiceRoutes(app, server);
  registerPortal(app, server);
  registerArmRoutes(app, server, buildRegistry());
  return app;
}

function toArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return armErrors.requestTooLarge(BODY_LIMIT_BYTES);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return armErrors.unsupportedMediaType('');
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return armErrors.invalidRequestContent('The request content must not be empty');
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return armErrors.invalidRequestContent('The request content length is invalid');
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return new ArmError(status, 'BadRequest', (error as Error).message);
  return armErrors.internal();
}
