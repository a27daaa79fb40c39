import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `amity server` as a separate process, run from source through tsx as `scripts/dev-cli.mjs` does: a process the test can SIGKILL. */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcessOptions {
  port: number;
  dataDir: string;
  database?: string;
  keyEncryptionKey: string;
}

export class ServerProcess {
  private child?: ChildProcess;
  private stderr = '';

  constructor(private readonly options: ServerProcessOptions) {}

  get url(): string {
    return `https://127.0.0.1:${this.options.port}`;
  }

  /** Starts the process and resolves once it answers HTTPS. */
  async start(timeoutMs = 60_000): Promise<void> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AMITY_')) env[k] = v;
    env.AMITY_KEY_ENCRYPTION_KEY = this.options.keyEncryptionKey;
    const args = ['--import', import.meta.resolve('tsx'), path.join(REPO, 'scripts/dev-cli.mjs'), 'server', '--port', String(this.options.port), '--data', this.options.dataDir, '--log-level', 'error'];
    if (this.options.database) args.push('--database', this.options.database);
    this.stderr = '';
    const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    this.child = child;
    const started = Date.now();
    while (!(await answers(this.url))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`amity server exited (${child.exitCode ?? child.signalCode}): ${this.stderr}`);
      if (Date.now() - started > timeoutMs) throw new Error(`amity server did not answer within ${timeoutMs} ms: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the process with `signal` (SIGKILL: no cleanup at all) and waits for it to be gone. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }
}

/** Whether anything answers HTTPS there (any status): the readiness probe, before the test knows the CA. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/`, { rejectUnauthorized: false, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
