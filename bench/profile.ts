/**
 * Profiles Amity's GET identity path (or a list page deep in 10,000 identities, or PUT identity creates on SQLite or
 * on a throwaway PostgreSQL): starts bench/target.ts under `node --cpu-prof`, loads it with autocannon from this
 * process, stops it and prints the hottest functions by self time, then by package.
 *   node --import tsx bench/profile.ts [seconds] [get|list|put|put-pg] [--perf]
 * The .cpuprofile is left in the printed folder (open it in Chrome DevTools for the full tree). Its samples are wall
 * clock: with the load generator and PostgreSQL on the same two cores, time the server spends preempted lands on
 * whatever it was running, usually a socket write (two sessions read that as "writev got slower"). `--perf` samples
 * on-CPU time only, with Linux perf (Debian package linux-perf) and `node --perf-basic-prof` for JavaScript names, and
 * prints the split by binary (node, kernel, JIT code, better-sqlite3), the hottest symbols, and JavaScript frames by
 * inclusive time.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signInAdmin } from './lib/admin.js';
import { cannon, httpsJson } from './lib/load.js';
import { nameOf, seedSqlite } from './lib/seed.js';
import { encodeSkipToken } from '../src/arm/paging.js';
import { startPostgres } from '../test/support/postgres.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--perf');
const usePerf = process.argv.includes('--perf');
const seconds = Number(args[0] ?? 5);
const mode = args[1] ?? 'get';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-prof-'));
const profDir = path.join(dir, 'prof');

const pg = mode === 'put-pg' ? await startPostgres() : undefined;
if (pg && 'skip' in pg) throw new Error(`PostgreSQL: ${pg.skip}`);
const database = pg ? [await pg.createDatabase('amity_profile')] : [];
const profiling = usePerf ? ['--perf-basic-prof'] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
const child = spawn(process.execPath, [...profiling, '--import', 'tsx', path.join(BENCH_DIR, 'target.ts'), 'amity', path.join(dir, 'data'), ...database], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const exited = new Promise<void>((r) => child.once('exit', () => r()));
process.on('exit', () => child.kill('SIGKILL'));
const ready = JSON.parse(await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve)));
const { boot, ca, token, auth } = await signInAdmin(ready.url, path.join(dir, 'data'));
const rgPath = `/subscriptions/${boot.subscriptionId}/resourceGroups/rg`;
const put = (p: string, body: unknown) => httpsJson(`${ready.url}${p}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body), ca });
await put(`${rgPath}?api-version=2021-04-01`, { location: 'westus' });
let url = `${ready.url}${rgPath}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1?api-version=2024-11-30`;
await put(url.slice(ready.url.length), { location: 'westus' });
if (mode === 'list') {
  const oid = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).oid;
  await seedSqlite(path.join(dir, 'data', 'amity.db'), { subscriptionId: boot.subscriptionId, resourceGroup: 'rg', tenantId: boot.tenantId, createdBy: oid, location: 'westus' }, 0, 10_000);
  const after = `${rgPath}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${nameOf(4_999)}`.toLowerCase();
  url = `${ready.url}${rgPath}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30&$skiptoken=${encodeSkipToken(after)}`;
}
const putMode = mode.startsWith('put');
const identities = `${rgPath}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
const perfData = path.join(dir, 'perf.data');
// perf starts after the warm-up request above and stops with the load, so start-up (key generation, module loading) stays out.
const perf = usePerf ? spawn('perf', ['record', '-F', '999', '-g', '-p', String(child.pid), '-o', perfData], { stdio: 'ignore' }) : undefined;
const r = putMode
  ? await cannon({ url, method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: '{"location":"westus"}', connections: 16, seconds, warmupSeconds: 1, pathFor: (n) => `${identities}/p-${n}?api-version=2024-11-30` })
  : await cannon({ url, headers: auth, connections: 32, seconds, warmupSeconds: 1 });
console.log(`${mode}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non2xx ${r.non2xx}, errors ${r.errors}`);
if (perf) {
  perf.kill('SIGINT');
  await new Promise((resolve) => perf.once('exit', resolve));
}
child.kill('SIGTERM');
await exited;
if (pg && !('skip' in pg)) await pg.stop();
if (perf) {
  const report = (...a: string[]) =>
    execFileSync('perf', ['report', '-i', perfData, '--stdio', ...a], { maxBuffer: 1 << 28 })
      .toString()
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.replace(/\s+/g, ' ').trim());
  console.log('--- on-CPU by binary ---');
  for (const l of report('--no-children', '--sort', 'dso', '-g', 'none', '--percent-limit', '1')) console.log(l);
  console.log('--- hottest symbols (self) ---');
  for (const l of report('--no-children', '--sort', 'symbol', '-g', 'none', '--percent-limit', '0.7').slice(0, 40)) console.log(l);
  console.log('--- JavaScript frames by inclusive time ---');
  for (const l of report('--children', '--sort', 'symbol', '-g', 'none', '--percent-limit', '2').filter((l) => l.includes('JS:')).slice(0, 40)) console.log(l);
  console.log(`perf data: ${perfData} (perf report -i …)`);
  process.exit(0);
}

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
const prof = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const byFn = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const t = self.get(n.id) ?? 0;
  total += t;
  const where = n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/main\//, '');
  const key = `${n.callFrame.functionName || '(anon)'} ${where}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
}
const top = [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 45);
for (const [k, t] of top) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
// Self time by package or source folder: which part of the stack the time goes to.
const byPart = new Map<string, number>();
for (const n of prof.nodes) {
  const u = n.callFrame.url;
  const part = u.includes('node_modules/') ? u.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1') : u.includes('/src/') ? u.replace(/^.*\/src\/([^/]+).*$/, 'src/$1') : u.startsWith('node:') ? u : n.callFrame.functionName || '(native)';
  byPart.set(part, (byPart.get(part) ?? 0) + (self.get(n.id) ?? 0));
}
console.log('--- by part ---');
for (const [k, t] of [...byPart].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
console.log(`profile: ${path.join(profDir, file)}`);
