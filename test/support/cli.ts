import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server.js';
import type { Az } from './azureCli.js';

/**
 * Runs the `amity` CLI as a separate process, as a person at a shell would: from source through tsx (so tests never
 * see a stale build), with its own config folder and working directory.
 */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_ENTRY = path.join(REPO, 'scripts/dev-cli.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** The argv that runs the CLI from source: `node --import tsx scripts/dev-cli.mjs`. */
export function cliCommandLine(): string[] {
  // tsx by its file URL: the command runs in a folder of its own, where a bare `tsx` would not resolve.
  return [process.execPath, '--import', import.meta.resolve('tsx'), CLI_ENTRY];
}

export class CliUser {
  /** AMITY_CONFIG_DIR of this user: profile, credentials, token cache. */
  readonly configDir: string;
  /** The working directory commands run in (no `.amity` data folder unless a test puts one there). */
  readonly cwd: string;

  constructor(readonly name = 'cli') {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `amity-${name}-`));
    this.configDir = path.join(root, 'config');
    this.cwd = path.join(root, 'work');
    fs.mkdirSync(this.cwd);
  }

  /** Environment every run gets: no inherited AMITY_* settings, this user's config folder, no colour. */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AMITY_') && k !== 'IDENTITY_ENDPOINT' && k !== 'IDENTITY_HEADER') env[k] = v;
    Object.assign(env, { AMITY_CONFIG_DIR: this.configDir, NO_COLOR: '1' }, extra);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return env;
  }

  run(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
    const [node, ...rest] = cliCommandLine();
    return new Promise((resolve) => {
      const child = execFile(node, [...rest, ...args], { cwd: this.cwd, env: this.env(options.env), timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(options.input ?? '');
    });
  }

  /** Runs a command that must succeed and prints JSON: its parsed output. */
  async json<T = unknown>(args: string[], options: CliRunOptions = {}): Promise<T> {
    const r = await this.run([...args, '-o', 'json'], options);
    assert.equal(r.code, 0, `amity ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : undefined) as T;
  }

  /** Runs a command that must succeed; its raw output. */
  async ok(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
    const r = await this.run(args, options);
    assert.equal(r.code, 0, `amity ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  }

  /** Signs in as the server's administrator service principal, trusting the server's CA. */
  async loginAdmin(server: TestServer): Promise<void> {
    await this.ok(['login', '--service-principal', '-u', server.clientId, '-p', server.clientSecret, '--tenant', server.tenantId, '--server', server.url, '--ca-cert', server.caCertPath, '-o', 'none']);
  }

  /**
   * Runs a command in a real pseudo-terminal (util-linux `script`), as a person at a terminal would: what is
   * written goes to its keyboard, `output()` is the screen (stdout and stderr together, with control sequences).
   */
  terminal(args: string[], options: { env?: Record<string, string | undefined> } = {}): TerminalSession {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = [...cliCommandLine(), ...args].map(quote).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: this.cwd, env: { ...this.env(options.env), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    return new TerminalSession(child);
  }

  cleanup(): void {
    fs.rmSync(path.dirname(this.configDir), { recursive: true, force: true });
  }
}

/**
 * The real az (Debian 2.45) signed in to the same server as a CliUser, with Microsoft Graph registered, for
 * comparing outputs field by field. Returns undefined when az is not installed (the caller skips).
 */
export async function signedInAz(server: TestServer): Promise<import('./azureCli.js').Az | undefined> {
  const { Az, registerCloud, servicePrincipalLogin } = await import('./azureCli.js');
  const { spawnSync } = await import('node:child_process');
  if (spawnSync('az', ['version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const az = new Az(server.caBundlePath, 'amity-cli-az-');
  await registerCloud(az, server, 'AmityCli');
  await az.ok('cloud', 'update', '-n', 'AmityCli', '--cloud-config', JSON.stringify({ endpoints: { microsoftGraphResourceId: `${server.url}/msgraph/` } }));
  await az.ok('cloud', 'set', '-n', 'AmityCli');
  await az.ok(...servicePrincipalLogin(server.clientId, server.clientSecret, server.tenantId));
  return az;
}

/**
 * Runs the real az (an `Az` of test/support/azureCli.ts, same private config) with the arguments as given: no
 * `--output json` appended, for comparing table, tsv and yaml output with amity's.
 */
export function runAzRaw(az: Az, args: string[]): Promise<CliRun> {
  // Az keeps its environment private; the same environment is what makes this the same az.
  const env = Reflect.get(az, 'env') as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile('az', args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export class TerminalSession {
  private static readonly open = new Set<TerminalSession>();
  private screen = '';
  readonly exited: Promise<number | null>;

  /** Ends every session still running (a failed test must not leave a terminal waiting for a key). */
  static closeAll(): void {
    for (const session of TerminalSession.open) session.child.kill('SIGKILL');
  }

  constructor(readonly child: ChildProcess) {
    TerminalSession.open.add(this);
    child.once('exit', () => {
      TerminalSession.open.delete(this);
      child.stdin?.destroy();
    });
    child.stdout!.on('data', (c: Buffer) => (this.screen += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (this.screen += c.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  output(): string {
    return this.screen;
  }

  /** Types on the terminal's keyboard. */
  type(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Waits until the screen shows `pattern`; its match. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const t0 = Date.now();
    for (;;) {
      const m = pattern.exec(this.screen);
      if (m) return m;
      if (Date.now() - t0 > timeoutMs || this.child.exitCode !== null) throw new Error(`the terminal never showed ${pattern}:\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
