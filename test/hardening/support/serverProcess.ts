/**
 * A real server in its own process, as it runs in production: the overload test and the soak script (bench/soak.ts)
 * load it from this process, so the load generator does not share the server's event loop. Run directly (by
 * `startServerProcess`), it starts the server with the options it is sent over IPC and reports its bootstrap values.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../../../src/server/start.js';

export interface ServerProcess {
  url: string;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  ca: Buffer;
  child: ChildProcess;
  /** The child's resident set size in bytes, read from /proc. */
  rss(): number;
  stop(): Promise<void>;
}

interface Ready {
  url: string;
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
}

const SELF = fileURLToPath(import.meta.url);

export async function startServerProcess(options: Partial<ServerOptions> = {}): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-proc-'));
  const child = fork(SELF, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`)));
    child.send({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn', ...options });
  });
  const pageSize = 4096;
  return {
    ...ready,
    ca: fs.readFileSync(ready.caCertPath),
    child,
    rss: () => Number(fs.readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]) * pageSize,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] === SELF) {
  process.once('message', async (options) => {
    const { startServer } = await import('../../../src/server/start.js');
    const server = await startServer(options as ServerOptions);
    const boot = server.bootstrapFile!;
    process.once('SIGTERM', () => {
      void server.close().then(() => process.exit(0), () => process.exit(1));
    });
    process.send!({ url: server.url, tenantId: boot.tenantId, subscriptionId: boot.subscriptionId, clientId: boot.clientId, clientSecret: boot.clientSecret, caCertPath: boot.caCertPath } satisfies Ready);
    // Only the parent's signal ends it; the IPC channel must not keep the parent alive.
    process.channel?.unref();
  });
}
