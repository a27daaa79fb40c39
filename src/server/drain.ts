import type { FastifyInstance } from 'fastify';

/** How long in-flight requests may take to finish once shutdown starts, before their connections are cut. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Graceful shutdown for the HTTP side: once `close` is called the listener stops accepting, requests already in
 * flight finish (their responses say `Connection: close`, so keep-alive clients go elsewhere), requests arriving on
 * an open connection meanwhile get Fastify's 503, and whatever is still open after the grace period is cut.
 */
export function installDrain(app: FastifyInstance): { close(graceMs?: number): Promise<void> } {
  let draining = false;
  // A callback hook, not an async one: it runs on every response, and a promise per response costs throughput.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  return {
    async close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      draining = true;
      const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
      cut.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
