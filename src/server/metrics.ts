import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from './context.js';

/**
 * The server's Prometheus metrics. Labels are bounded on purpose: an ARM request is labelled by its RBAC action
 * (`Microsoft.ManagedIdentity/userAssignedIdentities/read`), any other by its route pattern, never by its URL, so
 * ids and names in paths cannot grow the series count. Domain code keeps plain counters (TokenIssuer.issuedCounts,
 * WorkloadTokens.cacheHits/cacheMisses) that are read at scrape time, so it knows nothing of Prometheus.
 */
export class Metrics {
  readonly registry: Registry;
  private readonly requests: Counter<'operation' | 'method' | 'status'>;
  private readonly latency: Histogram<'operation' | 'method' | 'status'>;
  private readonly throttled: Counter<'category'>;
  private readonly operations = new WeakMap<FastifyRequest, string>();

  constructor(server: ServerContext) {
    const own = new Registry();
    this.requests = new Counter({ name: 'amity_http_requests_total', help: 'HTTP requests answered, by operation (ARM action or route), method and status', labelNames: ['operation', 'method', 'status'], registers: [own] });
    this.latency = new Histogram({
      name: 'amity_http_request_duration_seconds',
      help: 'Time from request to response, by operation, method and status',
      labelNames: ['operation', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [own],
    });
    this.throttled = new Counter({ name: 'amity_arm_throttled_requests_total', help: 'ARM requests refused with 429 by the per-subscription, per-principal token buckets', labelNames: ['category'], registers: [own] });

    new Counter({
      name: 'amity_tokens_issued_total',
      help: 'Access tokens signed, by kind: app (client credentials), user, workload (managed identity on a host), federated (exchange)',
      labelNames: ['kind'],
      registers: [own],
      collect() {
        const counts = server.issuer?.issuedCounts;
        if (!counts) return;
        this.reset();
        for (const [kind, n] of Object.entries(counts)) this.inc({ kind }, n);
      },
    });
    new Counter({
      name: 'amity_workload_token_cache_lookups_total',
      help: 'Workload token cache lookups, by result (hit or miss)',
      labelNames: ['result'],
      registers: [own],
      collect() {
        const tokens = server.workloadTokens;
        if (!tokens) return;
        this.reset();
        this.inc({ result: 'hit' }, tokens.cacheHits);
        this.inc({ result: 'miss' }, tokens.cacheMisses);
      },
    });
    new Gauge({
      name: 'amity_workload_token_cache_hit_ratio',
      help: 'Share of workload token cache lookups that found a token since start (0 before the first lookup)',
      registers: [own],
      collect() {
        const tokens = server.workloadTokens;
        const total = (tokens?.cacheHits ?? 0) + (tokens?.cacheMisses ?? 0);
        this.set(total === 0 ? 0 : tokens!.cacheHits / total);
      },
    });
    new Gauge({
      name: 'amity_workload_token_cache_entries',
      help: 'Workload tokens held in the cache',
      registers: [own],
      collect() {
        this.set(server.workloadTokens?.cache.entries ?? 0);
      },
    });
    if (server.database.poolStats) {
      const stats = server.database.poolStats;
      new Gauge({
        name: 'amity_db_pool_connections',
        help: 'PostgreSQL connection pool: total and idle connections, and queries waiting for one',
        labelNames: ['state'],
        registers: [own],
        collect() {
          const s = stats();
          this.set({ state: 'total' }, s.total);
          this.set({ state: 'idle' }, s.idle);
          this.set({ state: 'waiting' }, s.waiting);
        },
      });
    }
    new Gauge({
      name: 'amity_nodes_live',
      help: 'Amity nodes heartbeating in the shared database (ARM throttling divides its limits by it; 1 when throttling is off)',
      registers: [own],
      collect() {
        this.set(server.throttle?.nodes ?? 1);
      },
    });
    // Process metrics (CPU, memory, event loop lag, GC) exist once per process, however many servers a test starts.
    this.registry = Registry.merge([processRegistry(), own]);
  }

  /** The ARM route tells which action a request was: its operation label. */
  setOperation(request: FastifyRequest, operation: string): void {
    this.operations.set(request, operation);
  }

  countThrottled(category: string): void {
    this.throttled.inc({ category });
  }

  /** Times every request; registered once on the app. */
  install(app: FastifyInstance): void {
    // A callback hook and label-bound children kept per series: this runs on every request, and prom-client would
    // otherwise hash the labels twice per request (measured: about 5% of GET throughput).
    app.addHook('onResponse', (request, reply, done) => {
      this.seriesOf(this.operations.get(request) ?? routeName(request), request.method, reply.statusCode).record(reply.elapsedTime / 1000);
      done();
    });
  }

  private readonly series = new Map<string, { record(seconds: number): void }>();

  private seriesOf(operation: string, method: string, status: number): { record(seconds: number): void } {
    const key = `${operation}\n${method}\n${status}`;
    let series = this.series.get(key);
    if (!series) {
      const labels = { operation, method, status: String(status) };
      const count = this.requests.labels(labels);
      const latency = this.latency.labels(labels);
      series = {
        record(seconds: number) {
          count.inc();
          latency.observe(seconds);
        },
      };
      this.series.set(key, series);
    }
    return series;
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** A request's route pattern (`/:tenant/oauth2/v2.0/token`); the ARM catch-all before its action is known, and unknown paths, by name. */
function routeName(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return 'not_found';
  if (url === '/*') return 'arm';
  return url;
}

let processMetrics: Registry | undefined;

function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
