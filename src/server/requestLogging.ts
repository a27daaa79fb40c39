import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyRequest, FastifyServerOptions } from 'fastify';

/** Query parameters whose values never reach a log line (a client may put a secret in the URL by mistake). */
const SECRET_PARAMETER = /secret|password|token|assertion|code|key|sig|credential|auth/i;
const MAX_CORRELATION_ID = 128;

/** The correlation id of a request: the client's `x-ms-correlation-request-id`, or one made for it when first asked. */
function correlationIdFrom(raw: IncomingMessage): string {
  const header = raw.headers['x-ms-correlation-request-id'];
  const given = Array.isArray(header) ? header[0] : header;
  return given ? given.slice(0, MAX_CORRELATION_ID) : crypto.randomUUID();
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
/** What Fastify's logger is (pino) beyond FastifyBaseLogger: the level check. */
interface Logger extends FastifyBaseLogger {
  isLevelEnabled(level: string): boolean;
  levels: { values: Record<string, number> };
}

/**
 * A request's logger. Making a pino child per request (its bindings serialised to JSON) cost about a tenth of a GET's
 * throughput, and at the usual levels a request logs nothing, so the child is made on the first line the request
 * actually writes; a line below the level costs a level check. The request's correlation id lives here too, made
 * once, so the response header and every log line agree.
 */
class RequestLogger {
  private made: FastifyBaseLogger | undefined;
  private correlation: string | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
    private readonly raw: IncomingMessage,
  ) {}

  get correlationId(): string {
    return (this.correlation ??= correlationIdFrom(this.raw));
  }

  /** The real pino child, with `reqId` and `correlationId` bound; made once. */
  real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child({ ...this.bindings, correlationId: this.correlationId }, this.opts));
  }

  private enabled(level: Level): boolean {
    if (this.made) return true;
    const routeLevel = this.opts.level;
    if (routeLevel === undefined) return this.parent.isLevelEnabled(level);
    const values = this.parent.levels.values;
    return values[level]! >= values[routeLevel]!;
  }

  get level(): string {
    return this.made ? this.made.level : (this.opts.level ?? this.parent.level);
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void {
    if (this.enabled('fatal')) (this.real().fatal as (...a: unknown[]) => void)(...args);
  }
  error(...args: unknown[]): void {
    if (this.enabled('error')) (this.real().error as (...a: unknown[]) => void)(...args);
  }
  warn(...args: unknown[]): void {
    if (this.enabled('warn')) (this.real().warn as (...a: unknown[]) => void)(...args);
  }
  info(...args: unknown[]): void {
    if (this.enabled('info')) (this.real().info as (...a: unknown[]) => void)(...args);
  }
  debug(...args: unknown[]): void {
    if (this.enabled('debug')) (this.real().debug as (...a: unknown[]) => void)(...args);
  }
  trace(...args: unknown[]): void {
    if (this.enabled('trace')) (this.real().trace as (...a: unknown[]) => void)(...args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

/** The correlation id of a request: the same one its log lines carry. */
export function correlationIdOf(request: FastifyRequest): string {
  const log = request.log as unknown;
  if (log instanceof RequestLogger) return log.correlationId;
  // A logger made elsewhere (none is, today): the header, or a fresh id remembered with the request.
  return (fallbackIds.get(request.raw) ?? fallbackIds.set(request.raw, correlationIdFrom(request.raw)).get(request.raw))!;
}

const fallbackIds = new WeakMap<IncomingMessage, string>();

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
    childLoggerFactory: (parent: FastifyBaseLogger, bindings, opts, raw) => {
      const pinoParent = parent as unknown as Logger;
      // Not pino (no logger configured): nothing to defer.
      if (typeof pinoParent.isLevelEnabled !== 'function') return parent.child({ ...bindings, correlationId: correlationIdFrom(raw as IncomingMessage) }, opts);
      return new RequestLogger(pinoParent, bindings, opts, raw as IncomingMessage) as unknown as FastifyBaseLogger;
    },
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
