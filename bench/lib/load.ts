/** Load generation: autocannon for throughput, a serial keep-alive loop for precise per-request latency. */
import autocannon from 'autocannon';
import https from 'node:https';
import http from 'node:http';
import { request } from '../../test/support/http.js';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Measured seconds, after `warmupSeconds` of the same load that is not counted. */
  seconds: number;
  warmupSeconds?: number;
  /** A different path for every request (autocannon's setupRequest). */
  pathFor?: (n: number) => string;
}

export interface LoadResult {
  rps: number;
  /** Latency under this load, ms (autocannon's histogram, whole-ms resolution). */
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export async function cannon(o: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const requests = o.pathFor
    ? [{ method: o.method ?? 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: o.pathFor!(n++) }) }]
    : undefined;
  const opts = {
    url: o.url,
    method: o.method ?? 'GET',
    headers: o.headers,
    body: o.body,
    connections: o.connections,
    pipelining: 1,
    duration: o.seconds,
    requests,
    // Keep every connection alive; autocannon never verifies the certificate.
    ...(o.warmupSeconds ? { warmup: { connections: o.connections, duration: o.warmupSeconds } } : {}),
  } as autocannon.Options;
  const r = await autocannon(opts);
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries((r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) statusCodes[code] = v.count;
  const ok = r['2xx'];
  return {
    rps: ok / o.seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    statusCodes,
  };
}

export interface LatencyResult {
  /** ms */
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  samples: number;
}

/** One request at a time on one keep-alive connection: the latency a caller sees with no queueing. */
export async function serialLatency(
  url: string,
  opts: { headers?: Record<string, string>; ca?: string | Buffer; samples: number; warmup: number; pathFor?: (n: number) => string },
): Promise<LatencyResult> {
  const u = new URL(url);
  const isHttps = u.protocol === 'https:';
  const agent = isHttps ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: opts.ca }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (p: string) =>
    new Promise<void>((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        { host: u.hostname, port: u.port, path: p, method: 'GET', headers: opts.headers, agent },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET ${p} answered ${res.statusCode}`));
            res.resume();
            return;
          }
          res.on('data', () => undefined);
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end();
    });
  const pathOf = (n: number) => (opts.pathFor ? opts.pathFor(n) : u.pathname + u.search);
  try {
    for (let i = 0; i < opts.warmup; i++) await one(pathOf(i));
    const times: number[] = [];
    const started = process.hrtime.bigint();
    for (let i = 0; i < opts.samples; i++) {
      const t0 = process.hrtime.bigint();
      await one(pathOf(opts.warmup + i));
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const total = Number(process.hrtime.bigint() - started) / 1e9;
    times.sort((a, b) => a - b);
    return {
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      rps: times.length / total,
      samples: times.length,
    };
  } finally {
    agent.destroy();
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A JSON request over HTTPS trusting `ca`; throws on a non-2xx answer. */
export async function httpsJson(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; ca?: string | Buffer }): Promise<any> {
  const res = await request(url, opts);
  if (res.status >= 300) throw new Error(`${opts.method ?? 'GET'} ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
  if (res.text && res.body === undefined) throw new Error(`${opts.method ?? 'GET'} ${url} answered with a body that is not JSON`);
  return res.body;
}
