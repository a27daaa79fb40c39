import http from 'node:http';
import type { FastifyInstance } from 'fastify';

/** How long in-flight requests may take to finish once shutdown starts, before their connections are cut. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** Servers draining now (usually none: the check on every response is one size test). */
const draining = new Set<unknown>();

/**
 * The responses of Amity's server (its `ServerResponse` class, app.ts): while their server drains, a response not
 * yet started says `Connection: close` and its connection closes after it. Done where Node writes the status line
 * rather than in a Fastify `onSend` hook, which would run on every response of a server that is not draining.
 */
export class DrainAwareResponse extends http.ServerResponse {}
const writeHead = http.ServerResponse.prototype.writeHead as (this: http.ServerResponse, statusCode: number, reason?: unknown, headers?: unknown) => http.ServerResponse;
Object.defineProperty(DrainAwareResponse.prototype, 'writeHead', {
  // Node's writeHead(statusCode, reason?, headers?) tells its forms apart by the arguments' types, not their count.
  value: function drainAwareWriteHead(this: http.ServerResponse, statusCode: number, reason?: unknown, headers?: unknown) {
    if (draining.size !== 0 && draining.has((this.req.socket as { server?: unknown } | null)?.server)) this.shouldKeepAlive = false;
    return writeHead.call(this, statusCode, reason, headers);
  },
  writable: true,
  configurable: true,
});

/**
 * Graceful shutdown for the HTTP side: once `close` is called the listener stops accepting, requests already in
 * flight finish (their responses say `Connection: close`, so keep-alive clients go elsewhere; the app must be built
 * with DrainAwareResponse as its ServerResponse), requests arriving on an open connection meanwhile get Fastify's
 * 503, and whatever is still open after the grace period is cut.
 */
export function installDrain(app: FastifyInstance): { close(graceMs?: number): Promise<void> } {
  return {
    async close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      draining.add(app.server);
      const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
      cut.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
        draining.delete(app.server);
      }
    },
  };
}
