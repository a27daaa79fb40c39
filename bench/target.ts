/**
 * One server under load, in its own process so the load generator (the parent) does not share its
 * event loop. Started by bench/run.ts with fork(), it talks over IPC:
 *   argv: raw-http | raw-https <cert> <key> | amity <dataDir> [database]
 *         | agent <identityEndpoint> <caCertFile> (the host secret in AMITY_BENCH_IDENTITY_HEADER)
 *   → { ready: { url, ... } }   ← 'stop'   → exits once closed.
 * Run by hand (for profiling: `node --cpu-prof --import tsx bench/target.ts amity /tmp/x`) it prints
 * the ready JSON and stops on SIGINT/SIGTERM.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startServer } from '../src/server/start.js';
import { startAgent } from '../src/agent/server.js';

export interface TargetReady {
  url: string;
  subscriptionId?: string;
  tenantId?: string;
  caCertPath?: string;
  certPath?: string;
  keyPath?: string;
}

const SMALL_JSON = JSON.stringify({
  id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
  name: 'id1',
  type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
  location: 'westus',
  tags: {},
});

function rawHandler(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(SMALL_JSON) });
  res.end(SMALL_JSON);
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const [kind, a, b] = process.argv.slice(2);
  let ready: TargetReady;
  let close: () => Promise<void>;
  if (kind === 'raw-http' || kind === 'raw-https') {
    const server = kind === 'raw-http' ? http.createServer(rawHandler) : https.createServer({ cert: fs.readFileSync(a), key: fs.readFileSync(b) }, rawHandler);
    server.keepAliveTimeout = 60_000;
    const port = await listen(server);
    ready = { url: `${kind === 'raw-http' ? 'http' : 'https'}://127.0.0.1:${port}` };
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  } else if (kind === 'amity') {
    // AMITY_RBAC=bypass skips role checks: run.ts compares a GET with RBAC enforced against it.
    const rbac = process.env.AMITY_RBAC === 'bypass' ? 'bypass' : 'enforce';
    // Several nodes on one database (bench/lib/nodes.ts): the shared key-encryption key and public URL, and the
    // per-host token throttle off so cached token requests are measured rather than refused.
    const running = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: a,
      database: b || undefined,
      logLevel: 'warn',
      rbac,
      keyEncryptionKey: process.env.AMITY_KEY_ENCRYPTION_KEY || undefined,
      publicUrl: process.env.AMITY_PUBLIC_URL || undefined,
      ...(process.env.AMITY_BENCH_HOST_RATE_LIMIT === 'off' ? { hostRateLimit: false } : {}),
    });
    ready = {
      url: running.url,
      subscriptionId: running.subscriptionId,
      tenantId: running.tenantId,
      caCertPath: running.caCertPath,
      certPath: `${a}/tls/server.crt`,
      keyPath: `${a}/tls/server.key`,
    };
    close = () => running.close();
  } else if (kind === 'agent') {
    // `amity agent` (IMDS on plain HTTP) in front of the server's App Service endpoint.
    const agent = await startAgent({ identityEndpoint: a, identityHeader: process.env.AMITY_BENCH_IDENTITY_HEADER ?? '', caCertFile: b, port: 0 });
    ready = { url: agent.url };
    close = () => agent.close();
  } else {
    throw new Error(`unknown target kind '${kind}'`);
  }

  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await close().catch(() => undefined);
    process.exit(0);
  };
  if (process.send) {
    process.on('message', (m) => {
      if (m === 'stop') void stop();
    });
    // The parent went away: never outlive it.
    process.on('disconnect', () => void stop());
    process.send({ ready });
  } else {
    // Run by hand (e.g. under `node --cpu-prof`): print where it listens, stop on Ctrl-C / SIGTERM.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop());
    console.log(JSON.stringify(ready));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
