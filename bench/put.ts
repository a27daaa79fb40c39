/**
 * The PUT identity figures of `npm run bench` alone, for working on the write path (about 40 s):
 * `node --import tsx bench/put.ts` (BENCH_SECONDS, default 5). PUT identity (create, distinct names) from 16
 * connections on SQLite and on a throwaway PostgreSQL, each next to raw single-row inserts, as bench/run.ts
 * measures them, with the CPU time per PUT of the server and of PostgreSQL. BENCH_PUT_SQLITE=0 skips SQLite.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/support/postgres.js';
import type { TargetReady } from './target.js';
import { signInAdmin } from './lib/admin.js';
import { cannon, httpsJson } from './lib/load.js';
import { pgInsertBaseline } from './lib/nodes.js';
import { cpuDuring, postgresPids } from './lib/procCpu.js';
import { sqliteInsertBaseline } from './lib/seed.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-put-'));

async function amity(dataDir: string, database?: string, env: Record<string, string> = {}) {
  const child = fork(path.join(BENCH_DIR, 'target.ts'), ['amity', dataDir, ...(database ? [database] : [])], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const ready = await new Promise<TargetReady>((resolve, reject) => {
    child.once('message', (m: { ready?: TargetReady }) => (m.ready ? resolve(m.ready) : reject(new Error(JSON.stringify(m)))));
    child.once('exit', (code) => reject(new Error(`target exited with ${code}`)));
  });
  const { boot, ca, auth } = await signInAdmin(ready.url, dataDir);
  const rg = `/subscriptions/${boot.subscriptionId}/resourceGroups/rg-bench`;
  await httpsJson(`${ready.url}${rg}?api-version=2021-04-01`, { method: 'PUT', ca, headers: { ...auth, 'content-type': 'application/json' }, body: '{"location":"westus"}' });
  const stop = () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send('stop')));
  const put = async (label: string) => {
    const r = await cannon({
      url: ready.url,
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"location":"westus"}',
      connections: 16,
      seconds: SECONDS,
      warmupSeconds: 1,
      pathFor: (n) => `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${label}-${n}?api-version=2024-11-30`,
    });
    if (r.non2xx || r.errors || r.statusCodes['200']) throw new Error(`${label}: ${JSON.stringify(r.statusCodes)} ${r.errors} errors`);
    return r;
  };
  /** The PUT figure with the CPU time per PUT of the server and of PostgreSQL: steadier than req/s on a busy machine. */
  const putWithCpu = async (label: string, pgPort?: number) => {
    const groups: Record<string, () => number[]> = { server: () => [child.pid!], ...(pgPort ? { postgres: () => postgresPids(pgPort) } : {}) };
    const { result, cpu } = await cpuDuring(groups, () => put(label));
    const perPut = Object.entries(cpu).map(([k, sec]) => `${k} ${Math.round((sec * 1e6) / (result.rps * SECONDS))} µs`).join(', ');
    console.log(`${label}: CPU per PUT: ${perPut}`);
    return result;
  };
  return { put: putWithCpu, stop, url: ready.url, ca, auth, rg };
}

const line = (what: string, rps: number, base: number, baseWhat: string) => console.log(`${what}: ${rps.toFixed(0)} /s vs ${baseWhat} ${base.toFixed(0)} /s = ${(rps / base).toFixed(2)}x`);

// BENCH_PUT_SQLITE=0 skips the SQLite pair.
if (process.env.BENCH_PUT_SQLITE !== '0') {
  const s = await amity(path.join(root, 'sqlite'));
  const sqlitePut = await s.put('sqlite').finally(() => s.stop());
  const sqliteInsert = await sqliteInsertBaseline(path.join(root, 'insert.db'), Math.min(3, SECONDS));
  line('PUT identity, SQLite, 16 conns', sqlitePut.rps, sqliteInsert.rowsPerSecond, 'better-sqlite3 1-row insert');
}

const pg = await startPostgres();
if ('skip' in pg) {
  console.log(`PostgreSQL skipped: ${pg.skip}`);
} else {
  try {
    const dbUrl = await pg.createDatabase('amity_put');
    const p = await amity(path.join(root, 'pg'), dbUrl);
    try {
      const pgPut = await p.put('pg', Number(new URL(dbUrl).port));
      // The baseline's CPU too (this process is its pg client), so the two budgets compare part by part. Its warm-up,
      // table creation and drop are inside the window: an approximation, slightly over.
      const started = performance.now();
      const { result: insert, cpu } = await cpuDuring({ postgres: () => postgresPids(Number(new URL(dbUrl).port)) }, () => pgInsertBaseline(dbUrl, Math.min(3, SECONDS), 16));
      const inserts = (insert.rowsPerSecond * (performance.now() - started)) / 1000;
      console.log(`pg 1-row insert: CPU per insert: ${Object.entries(cpu).map(([k, sec]) => `${k === 'load generator' ? 'pg client' : k} ${Math.round((sec * 1e6) / inserts)} µs`).join(', ')}`);
      line('PUT identity, PostgreSQL, 16 conns', pgPut.rps, insert.rowsPerSecond, '`pg` 1-row insert, 16 conns');
    } finally {
      await p.stop();
    }
  } finally {
    await pg.stop();
  }
}
fs.rmSync(root, { recursive: true, force: true });
