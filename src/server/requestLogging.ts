import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest, FastifyServerOptions } from 'fastify';

/** Query parameters whose values never reach a log line (a client may put a secret in the URL by mistake). */
const SECRET_PARAMETER = /secret|password|token|assertion|code|key|sig|credential|auth/i;
const MAX_CORRELATION_ID = 128;

const correlationIds = new WeakMap<IncomingMessage, string>();

/** The correlation id of a request: the client's `x-ms-correlation-request-id`, or one made for it when the request arrived. */
export function correlationIdOf(raw: IncomingMessage): string {
  let id = correlationIds.get(raw);
  if (id === undefined) {
    const header = raw.headers['x-ms-correlation-request-id'];
    const given = Array.isArray(header) ? header[0] : header;
    id = given ? given.slice(0, MAX_CORRELATION_ID) : crypto.randomUUID();
    correlationIds.set(raw, id);
  }
  return id;
}

/**
 * Fastify options that make every request's log lines carry its ids: `reqId` is the `x-ms-request-id` the response
 * carries, `correlationId` the `x-ms-correlation-request-id`. The request serializer logs method, path, and query
 * names with secret-looking values blanked; never headers (Authorization, X-IDENTITY-HEADER) and never bodies.
 */
export function requestLoggingOptions(logger: FastifyServerOptions['logger']): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'childLoggerFactory'> {
  const withSerializers = logger && typeof logger === 'object' ? { ...logger, serializers: { ...(logger as { serializers?: object }).serializers, req: serializeRequest } } : logger;
  return {
    logger: withSerializers,
    genReqId: () => crypto.randomUUID(),
    childLoggerFactory: (parent: FastifyBaseLogger, bindings, opts, raw) => parent.child({ ...bindings, correlationId: correlationIdOf(raw as IncomingMessage) }, opts),
  };
}

function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip };
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept: string[] = [];
  for (const [name, value] of params) kept.push(`${encodeURIComponent(name)}=${SECRET_PARAMETER.test(name) ? 'REDACTED' : encodeURIComponent(value)}`);
  return `${url.slice(0, q)}?${kept.join('&')}`;
}
