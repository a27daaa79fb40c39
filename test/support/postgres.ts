import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface PgCluster {
  url: string;
  /** create another empty database, returns its url */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
const START_ATTEMPTS = 5;

/**
 * Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 and a random free port, or returns
 * { skip: reason } when the binaries are missing outside CI. Under CI=true a missing postgresql throws.
 *
 * Close every pg Client/Pool before calling stop(): the server is killed with `-m immediate`, and an
 * open connection then emits an 'error' event that crashes the process if nobody listens for it.
 */
export async function startPostgres(): Promise<PgCluster | { skip: string }> {
  const binDir = await findBinDir();
  if (!binDir) return missing(`PostgreSQL binaries not found (looked for initdb and pg_ctl in ${PG_ROOT}/*/bin and $AMITY_PG_BINDIR)`);

  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    // initdb and postgres refuse to run as root, so everything runs as the postgres system user.
    owner = postgresUser();
    if (!owner) return missing('running as root but there is no `postgres` system user to run PostgreSQL as');
  }

  // One directory holds data, socket and log, so removing it leaves nothing behind. mkdtemp paths are
  // short, which matters because the unix socket path must fit in ~107 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'amity-pg-'));
  if (/[^\w./-]/.test(dir)) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`temporary directory ${dir} contains characters that cannot be passed through pg_ctl -o`);
  }
  if (owner) await chown(dir, owner.uid, owner.gid);

  const run = (bin: string, args: string[]) => runPg(join(binDir, bin), args, asRoot, dir);
  const live: LiveCluster = { binDir, dir, asRoot };
  liveClusters.add(live);
  ensureExitHook();

  try {
    // --locale=C: the host's LANG may name a locale that is not generated, which makes initdb fail;
    // it also gives byte-order collation that does not depend on the machine.
    await run('initdb', [
      '-D', dir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ]);

    const port = await startServer(run, dir);
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    let stopped: Promise<void> | undefined;

    const createDatabase = async (name?: string): Promise<string> => {
      if (stopped) throw new Error('PostgreSQL cluster has been stopped');
      const db = name ?? `amity_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database ${quoteIdent(db)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(db)}`;
    };

    const url = await createDatabase();

    return {
      url,
      createDatabase,
      stop() {
        stopped ??= (async () => {
          try {
            await run('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
          } catch {
            // Already dead (crashed or killed externally): removing the directory is all that is left.
          }
          await rm(dir, { recursive: true, force: true });
          liveClusters.delete(live);
        })();
        return stopped;
      },
    };
  } catch (err) {
    killSync(live);
    throw err;
  }
}

type Run = (bin: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

async function startServer(run: Run, dir: string): Promise<number> {
  const logFile = join(dir, 'log');
  let lastError: unknown;
  let lastLog = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    // The port is only free at the moment we probe it; another process can take it before postgres
    // binds, which is why a bind failure is retried with a fresh port.
    const port = await freePort();
    await rm(logFile, { force: true });
    const opts = [
      '-h', '127.0.0.1', '-p', String(port), '-k', shellQuote(dir),
      // Durability is worthless for a throwaway cluster and costs a lot of test time.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=200',
    ].join(' ');
    try {
      await run('pg_ctl', ['-D', dir, '-o', opts, '-l', logFile, '-w', '-t', '60', 'start']);
      return port;
    } catch (err) {
      lastError = err;
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (/could not bind|address already in use|could not create any TCP\/IP sockets/i.test(log)) {
        lastLog = log;
        continue;
      }
      throw new Error(`${errorText(err)}\n--- PostgreSQL server log ---\n${log || '(empty)'}`, { cause: err });
    }
  }
  throw new Error(
    `PostgreSQL could not bind a free port after ${START_ATTEMPTS} attempts: ${errorText(lastError)}` +
      `\n--- PostgreSQL server log (last attempt) ---\n${lastLog}`,
    { cause: lastError },
  );
}

async function runPg(bin: string, args: string[], asRoot: boolean, cwd: string) {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    // cwd must be readable by postgres: the binaries fail when they cannot resolve the current directory
    // (e.g. /root), so run from the cluster directory.
    return await execFileAsync(file, argv, { cwd, env: cleanEnv(), timeout: 120_000 });
  } catch (err) {
    // Node's own message repeats stderr after the command line; build one that shows each once.
    const e = err as { code?: unknown; signal?: unknown; killed?: boolean; stdout?: string; stderr?: string };
    const how = e.killed ? 'timed out' : e.signal ? `killed by ${String(e.signal)}` : `exit code ${String(e.code)}`;
    const output = [e.stderr?.trim(), e.stdout?.trim()].filter(Boolean).join('\n');
    throw new Error(`${[file, ...argv].join(' ')} failed (${how})${output ? `:\n${output}` : ''}`, { cause: err });
  }
}

/** PG* variables (PGDATA, PGPORT, PGHOST, ...) from the caller's shell would redirect the tools elsewhere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  env.LC_ALL = 'C';
  return env;
}

async function findBinDir(): Promise<string | undefined> {
  const hasTools = (d: string) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  const override = process.env.AMITY_PG_BINDIR;
  if (override) return hasTools(override) ? override : undefined;
  let versions: string[];
  try {
    versions = await readdir(PG_ROOT);
  } catch {
    return undefined;
  }
  return versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(PG_ROOT, v, 'bin'))
    .find(hasTools);
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** startPostgres for the tests of one file: the cluster is stopped once they are done. */
export async function startPostgresForFile(): Promise<PgCluster | { skip: string }> {
  const cluster = await startPostgres();
  after(async () => {
    if (!('skip' in cluster)) await cluster.stop();
  });
  return cluster;
}

function missing(reason: string): { skip: string } {
  // In CI a silently skipped PostgreSQL suite would look like a pass, so absence is an error there.
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true, so PostgreSQL is required)`);
  return { skip: reason };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface LiveCluster {
  binDir: string;
  dir: string;
  asRoot: boolean;
}

// A single shared 'exit' listener (rather than one per cluster) avoids MaxListenersExceededWarning
// in suites that start many clusters.
const liveClusters = new Set<LiveCluster>();
let exitHookInstalled = false;

function ensureExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; this catches tests that fail or forget stop(), which would
  // otherwise leave a postmaster running and a directory in /tmp. Signals that kill the process
  // outright (SIGKILL, unhandled SIGTERM) bypass it.
  process.on('exit', () => {
    for (const c of liveClusters) killSync(c);
  });
}

function killSync(c: LiveCluster): void {
  liveClusters.delete(c);
  const pgCtl = join(c.binDir, 'pg_ctl');
  const args = ['-D', c.dir, '-m', 'immediate', '-w', 'stop'];
  try {
    if (existsSync(join(c.dir, 'postmaster.pid'))) {
      execFileSync(c.asRoot ? 'runuser' : pgCtl, c.asRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args, {
        cwd: c.dir,
        env: cleanEnv(),
        stdio: 'ignore',
        timeout: 30_000,
      });
    }
  } catch {
    // Best effort: the process is exiting and there is nobody left to report to.
  }
  rmSync(c.dir, { recursive: true, force: true });
}
