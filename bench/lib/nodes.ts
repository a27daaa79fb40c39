/**
 * Several nodes on one PostgreSQL: GET identity and cached workload-token requests through one node, then through two
 * (half the connections each), with the CPU time each process spent (load generator, each node, postgres) so the cost
 * of a request is visible part by part: on a 2-core machine that also runs the load generator and the database, two
 * nodes cannot double anything, and the breakdown says where the time goes. Also PUT identity on PostgreSQL next to
 * raw single-row inserts through `pg`.
 */
import crypto from 'node:crypto';
import { cannon, type LoadResult } from './load.js';
import { COLUMNS, identityRow, NAME_SPACE, type SeedTarget } from './seed.js';
import { cpuDuring, postgresPids } from './procCpu.js';

interface Target {
  ready: { url: string };
  pid: number;
  stop(): Promise<void>;
}

export interface NodesContext {
  /** Node A, already serving on the PostgreSQL database (started with the shared key-encryption key). */
  a: { url: string; subscriptionId: string; auth: Record<string, string>; target: Target };
  /** Starts node B on the same database with an empty data folder. */
  startNodeB(): Promise<Target>;
  arm(method: string, p: string, body?: unknown): Promise<any>;
  pgPort: number;
  log(msg: string): void;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export interface NodesRun {
  load: LoadResult;
  /** CPU seconds per process group during the measured seconds. */
  cpu: Record<string, number>;
}

export interface NodesFigures {
  get: { one: NodesRun; two: NodesRun };
  token: { one: NodesRun; two: NodesRun };
}

const MSI_API = '2024-11-30';
const TOKEN_QUERY = '/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com%2F';

export async function measureNodes(ctx: NodesContext): Promise<NodesFigures> {
  const rg = `/subscriptions/${ctx.a.subscriptionId}/resourceGroups/rg-nodes`;
  await ctx.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'westus' });
  const identity = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-nodes?api-version=${MSI_API}`;
  await ctx.arm('PUT', identity, { location: 'westus' });
  const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-nodes`;
  await ctx.arm('PUT', `${vm}?api-version=2022-08-01`, { location: 'westus', identity: { type: 'SystemAssigned' } });
  const cred = await ctx.arm('POST', `${vm}/regenerateIdentityCredential?api-version=2022-08-01`);
  const tokenHeaders = { 'x-identity-header': cred.identityHeader as string };

  const b = await ctx.startNodeB();
  try {
    const nodes = [ctx.a.target, b];
    const groups = (n: number) => ({
      ...Object.fromEntries(nodes.slice(0, n).map((t, i) => [`node ${'AB'[i]}`, () => [t.pid]])),
      postgres: () => postgresPids(ctx.pgPort),
    });
    const run = async (label: string, n: number, p: string, headers: Record<string, string>): Promise<NodesRun> => {
      const per = Math.max(1, Math.floor(ctx.connections / n));
      const load = (seconds: number) => Promise.all(nodes.slice(0, n).map((t) => cannon({ url: `${t.ready.url}${p}`, headers, connections: per, seconds })));
      ctx.log(`postgres, ${n} node(s): ${label}, ${per * n} connections, ${ctx.warmupSeconds}+${ctx.seconds} s`);
      // Warm-up apart, so the CPU counted is the measured seconds' alone.
      if (ctx.warmupSeconds) await load(ctx.warmupSeconds);
      const { result, cpu } = await cpuDuring(groups(n), () => load(ctx.seconds));
      for (const r of result) if (r.non2xx || r.errors) throw new Error(`${label} on ${n} node(s): ${r.non2xx} non-2xx answers and ${r.errors} errors (${JSON.stringify(r.statusCodes)})`);
      return { load: sum(result), cpu };
    };
    // The first token request of each node signs and caches; the warm-up seconds make it, so the measured ones are hits.
    const tokenPath = TOKEN_QUERY;
    const getPath = identity.slice(identity.indexOf('/subscriptions'));
    return {
      get: { one: await run('GET identity', 1, getPath, ctx.a.auth), two: await run('GET identity', 2, getPath, ctx.a.auth) },
      token: { one: await run('cached workload token (/msi/token)', 1, tokenPath, tokenHeaders), two: await run('cached workload token (/msi/token)', 2, tokenPath, tokenHeaders) },
    };
  } finally {
    await b.stop();
  }
}

function sum(results: LoadResult[]): LoadResult {
  return results.reduce((x, y) => ({
    rps: x.rps + y.rps,
    p50: Math.max(x.p50, y.p50),
    p99: Math.max(x.p99, y.p99),
    requests: x.requests + y.requests,
    non2xx: x.non2xx + y.non2xx,
    errors: x.errors + y.errors,
    statusCodes: x.statusCodes,
  }));
}

/** CPU microseconds per request of each process group, e.g. "node A 61 µs, postgres 40 µs, load generator 30 µs". */
export function cpuPerRequest(run: NodesRun, seconds: number): string {
  const requests = run.load.rps * seconds;
  return Object.entries(run.cpu)
    .map(([k, s]) => `${k} ${Math.round((s * 1e6) / requests)} µs`)
    .join(', ');
}

/**
 * Raw single-row inserts through `pg`, each its own statement (autocommit), from `concurrency` connections at once
 * (as many as the PUT benchmark's), into a table shaped like `resources` with its indexes.
 */
export async function pgInsertBaseline(url: string, seconds: number, concurrency: number): Promise<{ rowsPerSecond: number; rows: number }> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined);
  try {
    await pool.query('create table if not exists bench_insert (like resources including all)');
    const t: SeedTarget = { subscriptionId: crypto.randomUUID(), resourceGroup: 'rg', tenantId: crypto.randomUUID(), createdBy: crypto.randomUUID(), location: 'westus' };
    const now = new Date().toISOString();
    const sql = `insert into bench_insert (${COLUMNS.join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    let i = 0;
    let rows = 0;
    let counting = false;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        await pool.query(sql, identityRow(t, i++ % NAME_SPACE, now) as unknown[]);
        if (counting) rows++;
      }
    };
    const workers = Array.from({ length: concurrency }, worker);
    await new Promise((r) => setTimeout(r, 500));
    counting = true;
    const start = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    counting = false;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    stop = true;
    await Promise.all(workers);
    await pool.query('drop table bench_insert');
    return { rowsPerSecond: rows / elapsed, rows };
  } finally {
    await pool.end();
  }
}
