// The load of the overload test, in a worker thread of its own: the test's main thread then only probes /healthz,
// so the latency it measures is the server's, not the load generator's event loop.
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { url, path, token, ca, total, concurrency } = workerData;
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
parentPort.postMessage({ ready: true });
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
parentPort.postMessage({ statuses, retryAfter: [...retryAfter], ms: performance.now() - started });
