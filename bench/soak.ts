/**
 * `npm run soak -- --minutes N [--connections C] [--database postgres://…]`: mixed control-plane and token traffic
 * against a real server (its own process, throttling off) for N minutes. Prints requests/s and p50/p99 latency per
 * kind, and the server's RSS over time with its slope: memory must stay flat. Not part of `npm test`. The per-host
 * workload token limit is off, so the token traffic of the one soak host is served rather than refused.
 *
 * The mix: GET identity, list identities, PUT identity (a fixed set of 200 names, so the data set stays the same
 * size), DELETE identity, GET permissions, client-credentials tokens, workload tokens (/msi/token, mostly cached).
 */
import https from 'node:https';
import { parseArgs } from 'node:util';
import { startServerProcess, type ServerProcess } from '../test/hardening/support/serverProcess.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, connections: { type: 'string', default: '16' }, database: { type: 'string' } } });
const MINUTES = Number(values.minutes);
const CONNECTIONS = Number(values.connections);
if (!(MINUTES > 0) || !(CONNECTIONS > 0)) throw new Error('usage: npm run soak -- --minutes N [--connections C] [--database postgres://…]');
const RSS_EVERY_MS = 5_000;
const NAMES = 200;
const RESERVOIR = 100_000;
const MSI_API = '2024-11-30';

interface Answer {
  status: number;
  body: string;
}

type Kind = 'get identity' | 'list identities' | 'put identity' | 'delete identity' | 'get permissions' | 'client token' | 'workload token';
const MIX: [Kind, number][] = [
  ['get identity', 35],
  ['list identities', 8],
  ['put identity', 12],
  ['delete identity', 4],
  ['get permissions', 6],
  // Rare, as with real clients (they keep a token for its hour): each costs a deliberate scrypt of the secret.
  ['client token', 1],
  ['workload token', 25],
];

/** Latencies of one kind: a bounded reservoir sample, so the load generator's own memory stays flat too. */
class Stats {
  count = 0;
  errors = 0;
  readonly sample: number[] = [];
  add(ms: number): void {
    this.count++;
    if (this.sample.length < RESERVOIR) this.sample.push(ms);
    else {
      const i = Math.floor(Math.random() * this.count);
      if (i < RESERVOIR) this.sample[i] = ms;
    }
  }
  pct(q: number): number {
    const s = [...this.sample].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
  }
}

function request(p: ServerProcess, agent: https.Agent, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${p.url}${path}`, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  // The per-host limit of the workload endpoint (20/s, as Azure's) would refuse most of one host's token traffic: off, to load the server itself.
  const p = await startServerProcess({ hostRateLimit: false, ...(values.database ? { database: values.database } : {}) });
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONNECTIONS, ca: p.ca });
  try {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const clientToken = () =>
      request(p, agent, 'POST', `/${p.tenantId}/oauth2/v2.0/token`, form, new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: 'https://management.azure.com/.default' }).toString());
    const token = JSON.parse((await clientToken()).body).access_token as string;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const rg = `/subscriptions/${p.subscriptionId}/resourceGroups/soak`;
    const must = async (a: Promise<Answer>, what: string) => {
      const r = await a;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body}`);
      return JSON.parse(r.body || '{}');
    };
    await must(request(p, agent, 'PUT', `${rg}?api-version=2024-03-01`, auth, JSON.stringify({ location: 'westus' })), 'group');
    for (let i = 0; i < NAMES; i++) await must(request(p, agent, 'PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/soak-${i}?api-version=${MSI_API}`, auth, JSON.stringify({ location: 'westus' })), 'identity');
    const uami = await must(request(p, agent, 'PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/soak-workload?api-version=${MSI_API}`, auth, JSON.stringify({ location: 'westus' })), 'workload identity');
    const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/soak-vm`;
    await must(request(p, agent, 'PUT', `${vm}?api-version=2022-08-01`, auth, JSON.stringify({ location: 'westus', identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uami.id]: {} } } })), 'vm');
    const credential = await must(request(p, agent, 'POST', `${vm}/regenerateIdentityCredential?api-version=2022-08-01`, auth), 'host credential');
    const resources = ['https://management.azure.com/', 'https://vault.azure.net', 'https://storage.azure.com/', 'api://AzureADTokenExchange'];

    const send: Record<Kind, () => Promise<Answer>> = {
      'get identity': () => request(p, agent, 'GET', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/soak-${rand(NAMES)}?api-version=${MSI_API}`, auth),
      'list identities': () => request(p, agent, 'GET', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${MSI_API}`, auth),
      'put identity': () => request(p, agent, 'PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/soak-${rand(NAMES)}?api-version=${MSI_API}`, auth, JSON.stringify({ location: 'westus', tags: { n: String(rand(1e6)) } })),
      'delete identity': () => request(p, agent, 'DELETE', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/soak-${rand(NAMES)}?api-version=${MSI_API}`, auth),
      'get permissions': () => request(p, agent, 'GET', `${rg}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`, auth),
      'client token': clientToken,
      'workload token': () => request(p, agent, 'GET', `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resources[rand(resources.length)]!)}${Math.random() < 0.5 ? `&client_id=${uami.properties.clientId}` : ''}`, { 'x-identity-header': credential.identityHeader }),
    };
    const ok = (kind: Kind, status: number) => status < 300 || (kind === 'get identity' && status === 404) || (kind === 'delete identity' && status === 204);

    const stats = new Map<Kind, Stats>(MIX.map(([k]) => [k, new Stats()]));
    const total = MIX.reduce((n, [, w]) => n + w, 0);
    const pick = (): Kind => {
      let r = Math.random() * total;
      for (const [k, w] of MIX) if ((r -= w) < 0) return k;
      return MIX[0]![0];
    };
    const rss: { t: number; bytes: number }[] = [];
    const started = Date.now();
    const until = started + MINUTES * 60_000;
    const sampler = setInterval(() => rss.push({ t: (Date.now() - started) / 1000, bytes: p.rss() }), RSS_EVERY_MS);
    rss.push({ t: 0, bytes: p.rss() });
    const progress = setInterval(() => {
      const n = [...stats.values()].reduce((a, s) => a + s.count, 0);
      console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${n} requests, RSS ${mb(p.rss())} MB`);
    }, 15_000);
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const kind = pick();
          const t0 = performance.now();
          const r = await send[kind]();
          const s = stats.get(kind)!;
          s.add(performance.now() - t0);
          if (!ok(kind, r.status)) {
            s.errors++;
            if (s.errors <= 3) console.error(`${kind}: ${r.status} ${r.body.slice(0, 200)}`);
          }
        }
      }),
    );
    clearInterval(sampler);
    clearInterval(progress);
    rss.push({ t: (Date.now() - started) / 1000, bytes: p.rss() });
    report(stats, (Date.now() - started) / 1000, rss);
  } finally {
    agent.destroy();
    await p.stop();
  }
}

function report(stats: Map<Kind, Stats>, seconds: number, rss: { t: number; bytes: number }[]): void {
  const all = [...stats.values()].reduce((n, s) => n + s.count, 0);
  console.log(`\nsoak: ${MINUTES} min, ${CONNECTIONS} connections, ${all} requests, ${(all / seconds).toFixed(0)} requests/s\n`);
  console.log(`${'kind'.padEnd(18)}${'requests'.padStart(10)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
  for (const [kind, s] of stats) {
    console.log(`${kind.padEnd(18)}${String(s.count).padStart(10)}${(s.count / seconds).toFixed(0).padStart(9)}${s.pct(0.5).toFixed(1).padStart(9)}${s.pct(0.99).toFixed(1).padStart(9)}${String(s.errors).padStart(8)}`);
  }
  // The slope after the first fifth (start-up, JIT and caches filling), by least squares over the samples.
  const steady = rss.filter((r) => r.t >= seconds / 5);
  const slope = slopeOf(steady.map((r) => [r.t / 60, r.bytes / 1e6]));
  console.log(`\nserver RSS: first ${mb(rss[0]!.bytes)} MB, after warm-up ${mb(steady[0]?.bytes ?? 0)} MB, last ${mb(rss.at(-1)!.bytes)} MB, max ${mb(Math.max(...rss.map((r) => r.bytes)))} MB; slope after warm-up ${slope.toFixed(2)} MB/min`);
  console.log(`RSS over time (s: MB): ${rss.map((r) => `${r.t.toFixed(0)}: ${mb(r.bytes)}`).join(', ')}`);
  const errors = [...stats.values()].reduce((n, s) => n + s.errors, 0);
  if (errors > 0) process.exitCode = 1;
}

function slopeOf(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const rand = (n: number) => Math.floor(Math.random() * n);

await main();
