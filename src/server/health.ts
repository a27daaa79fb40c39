import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { LATEST_MIGRATION } from '../store/migrations.js';
import type { ServerContext } from './context.js';

/**
 * `/healthz`: the process answers (nothing else is touched, so a slow database never restarts a live node).
 * `/readyz`: the database answers a trivial query and has every migration this code knows; 503 otherwise, and while
 * the node drains on shutdown (Fastify answers 503 to requests that arrive then).
 * `/metrics` (when on): Prometheus text. None needs a token, like a load balancer's probes; probes log only at warn.
 */
export function registerHealthRoutes(app: FastifyInstance, server: ServerContext, options: { metrics: boolean }): void {
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const row = await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(server.database.db);
      const applied = row.rows[0]?.name ?? '';
      if (applied < LATEST_MIGRATION) return reply.code(503).send({ status: 'unavailable', reason: 'database migrations are not complete' });
      return reply.send({ status: 'ready' });
    } catch (e) {
      request.log.warn({ err: e }, 'readiness check: the database did not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'the database did not answer' });
    }
  });

  if (options.metrics && server.metrics) {
    const metrics = server.metrics;
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      const { contentType, body } = await metrics.text();
      return reply.header('cache-control', 'no-store').type(contentType).send(body);
    });
  }
}
