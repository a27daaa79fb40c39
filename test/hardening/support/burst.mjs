// The load of the overload test, in a process of its own (forked by overload.test.ts, parameters over IPC).
//
// In production a burst comes from other machines: it does not take CPU from the server or from the load balancer's
// health probe. Here it shares a 2-core machine with both (and, in `npm test`, with another test file), so it runs in
// its own process at a lower scheduling priority: it gets whatever CPU the server and the prober leave (on a quiet
// machine a whole core, so the burst is as fast as from a thread at normal priority), and its own event loop or
// garbage collector never delays the prober's. The burst keeps its size and concurrency; the test reports how long
// it took and checks that it was refused in part, so a load generator starved of CPU cannot pass unnoticed.
import https from 'node:https';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const { url, path, token, ca, total, concurrency, priority } = await new Promise((resolve) => process.once('message', resolve));
os.setPriority(priority ?? os.constants.priority.PRIORITY_LOW);
const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca });

function get(p, auth) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${url}${p}`, { agent, headers: auth ? { authorization: `Bearer ${auth}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Connections first, as a client's keep-alive pool would have them: the burst is requests, not TLS handshakes.
await Promise.all(Array.from({ length: concurrency }, () => get('/healthz')));
// Warm-up (JIT, caches) on the tenant-scope bucket, which the measured burst, on a subscription, does not use.
for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: concurrency }, () => get('/subscriptions?api-version=2022-12-01', token)));
process.send({ ready: true });
const statuses = {};
const retryAfter = new Set();
let sent = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (sent < total) {
      sent++;
      const r = await get(path, token);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 429) retryAfter.add(String(r.retryAfter));
    }
  }),
);
agent.destroy();
process.send({ statuses, retryAfter: [...retryAfter], ms: performance.now() - started }, () => process.disconnect());
