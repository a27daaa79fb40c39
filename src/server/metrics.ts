import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
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
  private readonly requests = new RequestSeries();
  private readonly throttled: Counter<'category'>;

  constructor(server: ServerContext) {
    const own = new Registry();
    // Requests and their latencies are kept in plain numbers per series and formatted at scrape time: prom-client's
    // Counter and Histogram validate and hash the labels on every call, even through label-bound children.
    own.registerMetric(this.requests.counter('amity_http_requests_total', 'HTTP requests answered, by operation (ARM action or route), method and status'));
    own.registerMetric(this.requests.histogram('amity_http_request_duration_seconds', 'Time from request to response, by operation, method and status'));
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
    (request as unknown as Record<symbol, string | null>)[OPERATION] = operation;
  }

  countThrottled(category: string): void {
    this.throttled.inc({ category });
  }

  /** Times every request; registered once on the app. */
  install(app: FastifyInstance): void {
    // A callback hook: this runs on every request, and a promise per request costs throughput.
    // The operation is a request decoration (a property every request has from the start), not a WeakMap entry:
    // a WeakMap entry per request costs its insertion and the garbage collector's ephemeron work.
    app.decorateRequest(OPERATION as unknown as string, null);
    app.addHook('onResponse', (request, reply, done) => {
      const operation = (request as unknown as Record<symbol, string | null>)[OPERATION];
      this.requests.record(operation ?? routeName(request), request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
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

/** The request's ARM action, when the ARM route has told it (setOperation). */
const OPERATION = Symbol('amity.operation');

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One (operation, method, status): its request count, latency sum, and latencies per bucket (not cumulative). */
interface Series {
  readonly labels: { operation: string; method: string; status: string };
  count: number;
  sum: number;
  readonly buckets: number[];
}

/**
 * Requests by operation, method and status, with their latencies: what `amity_http_requests_total` and the
 * `amity_http_request_duration_seconds` histogram report, in prom-client's format, without its per-call label work.
 * The series are few (operations are RBAC actions or route patterns), so they are found by nested maps.
 */
class RequestSeries {
  private readonly byOperation = new Map<string, Map<string, Map<number, Series>>>();
  private readonly all: Series[] = [];

  record(operation: string, method: string, status: number, seconds: number): void {
    let byMethod = this.byOperation.get(operation);
    if (!byMethod) this.byOperation.set(operation, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      series = { labels: { operation, method, status: String(status) }, count: 0, sum: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
      byStatus.set(status, series);
      this.all.push(series);
    }
    series.count++;
    series.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        series.buckets[i]!++;
        break;
      }
    }
  }

  private reset(): void {
    this.byOperation.clear();
    this.all.length = 0;
  }

  /** The request counter, as a prom-client metric. */
  counter(name: string, help: string): Metric {
    const metric = {
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({ name, help, type: 'counter', aggregator: 'sum', values: this.all.map((s) => ({ labels: s.labels, value: s.count })) }),
      reset: () => this.reset(),
    };
    return metric as unknown as Metric;
  }

  /** The latency histogram, as a prom-client metric (the same lines its Histogram writes). */
  histogram(name: string, help: string): Metric {
    const values = () => {
      const out: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const s of this.all) {
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((le, i) => {
          cumulative += s.buckets[i]!;
          out.push({ labels: { le, ...s.labels }, value: cumulative, metricName: `${name}_bucket` });
        });
        out.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${name}_bucket` });
        out.push({ labels: { ...s.labels }, value: s.sum, metricName: `${name}_sum` });
        out.push({ labels: { ...s.labels }, value: s.count, metricName: `${name}_count` });
      }
      return out;
    };
    const metric = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }),
      reset: () => this.reset(),
    };
    return metric as unknown as Metric;
  }
}

let processMetrics: Registry | undefined;

function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
