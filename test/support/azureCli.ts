import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from './server.js';

/**
 * Driving the real Azure CLI (Debian package azure-cli 2.45), unmodified, against a test server: a private
 * config dir per Az, the server's CA bundle, no telemetry, proxies that refuse everything but this machine.
 * Used by the test/conformance/*Cli*.test.ts suites.
 */

export const AZ_TIMEOUT_MS = 60_000;

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const azAvailable = onPath('az');

/** Fails under CI (the machine must have az), skips elsewhere; returns false when the test should stop. */
export function requireAz(t: TestContext): boolean {
  if (azAvailable) return true;
  if (process.env.CI === 'true') throw new Error('az is not installed: the CI machine needs the Debian package azure-cli (apt-get install azure-cli)');
  t.skip('az is not installed: install the Debian package azure-cli (apt-get install azure-cli)');
  return false;
}

export interface AzResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/**
 * One private az installation state: its own HOME and AZURE_CONFIG_DIR, the server's CA bundle, no telemetry,
 * and proxies that refuse everything but this machine, so any attempt to reach the internet fails at once.
 */
export class Az {
  readonly home: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(caBundlePath: string, homePrefix = 'amity-az-') {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), homePrefix));
    const configDir = path.join(this.home, '.azure');
    fs.mkdirSync(configDir);
    const deadProxy = 'http://127.0.0.1:9';
    this.env = {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      HOME: this.home,
      TMPDIR: this.home,
      AZURE_CONFIG_DIR: configDir,
      REQUESTS_CA_BUNDLE: caBundlePath,
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      AZURE_CORE_NO_COLOR: '1',
      AZURE_CORE_SURVEY_MESSAGE: 'false',
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      http_proxy: deadProxy,
      https_proxy: deadProxy,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
  }

  run(...args: string[]): Promise<AzResult> {
    return new Promise((resolve) => {
      execFile('az', [...args, '--output', 'json'], { env: this.env, timeout: AZ_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        let json: any;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      });
    });
  }

  /** Starts az without waiting for it (for device code, whose message must be read while az polls). */
  spawn(...args: string[]): ChildProcess {
    return spawn('az', [...args, '--output', 'json'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Runs a command that must succeed; a failure shows az's own error. */
  async ok(...args: string[]): Promise<any> {
    const r = await this.run(...args);
    assert.equal(r.code, 0, `az ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    return r.json;
  }

  /** Runs a command that must fail. */
  async fails(...args: string[]): Promise<AzResult> {
    const r = await this.run(...args);
    assert.notEqual(r.code, 0, `az ${args.join(' ')} succeeded but should have failed:\n${r.stdout}`);
    return r;
  }

  dispose(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** The payload of a JWT, asserting it has three parts. */
export function claimsOf(jwt: string): Record<string, any> {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'the access token is not a JWT');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

/** `az cloud register` of the server with every endpoint given (not made the current cloud). */
export async function registerCloud(az: Az, s: TestServer, name: string): Promise<void> {
  await az.ok(
    'cloud', 'register', '-n', name,
    '--endpoint-resource-manager', `${s.url}/`,
    '--endpoint-active-directory', `${s.url}/adfs`,
    '--endpoint-active-directory-resource-id', `${s.url}/`,
    '--endpoint-active-directory-graph-resource-id', `${s.url}/graph/`,
  );
}

/** Registers the server as cloud `name` with every endpoint given and makes it the current cloud. */
export async function useCloud(az: Az, s: TestServer, name = 'Amity'): Promise<void> {
  await registerCloud(az, s, name);
  await az.ok('cloud', 'set', '-n', name);
}

/** The arguments of `az login --service-principal`, then `extra`. */
export function servicePrincipalLogin(clientId: string, secret: string, tenantId: string, ...extra: string[]): string[] {
  return ['login', '--service-principal', '-u', clientId, '-p', secret, '--tenant', tenantId, ...extra];
}

/** Signs in as the server's bootstrap service principal (with `secret`, by default its own); the result is not checked. */
export function login(az: Az, s: TestServer, secret = s.clientSecret): Promise<AzResult> {
  return az.run(...servicePrincipalLogin(s.clientId, secret, s.tenantId));
}

/**
 * The frame of an az test: checks az is there (see requireAz), starts a server and a private az against it, runs
 * `fn`, and removes both whatever happens.
 */
export async function withAzServer(t: TestContext, fn: (az: Az, s: TestServer) => Promise<void>, homePrefix?: string): Promise<void> {
  if (!requireAz(t)) return;
  const s = await startTestServer();
  const az = new Az(s.caBundlePath, homePrefix);
  try {
    await fn(az, s);
  } finally {
    az.dispose();
    await s.close();
  }
}
