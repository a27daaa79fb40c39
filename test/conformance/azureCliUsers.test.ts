import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { approveDeviceCode } from '../support/devicePage.js';
import { createUser } from '../../src/directory/users.js';

// The real Azure CLI (Debian azure-cli 2.45), unmodified, signing in users against the ADFS endpoints:
// `az login -u -p` (resource owner password) and `az login --use-device-code` approved on Amity's device page.

const AZ_TIMEOUT_MS = 60_000;

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
function requireAz(t: TestContext): boolean {
  if (azAvailable) return true;
  if (process.env.CI === 'true') throw new Error('az is not installed: the CI machine needs the Debian package azure-cli (apt-get install azure-cli)');
  t.skip('az is not installed: install the Debian package azure-cli (apt-get install azure-cli)');
  return false;
}

interface AzResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/**
 * One private az installation state: its own HOME and AZURE_CONFIG_DIR, the server's CA bundle, no telemetry,
 * and proxies that refuse everything but this machine, so any attempt to reach the internet fails at once.
 */
class Az {
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-az-'));
  private readonly env: NodeJS.ProcessEnv;

  constructor(caBundlePath: string) {
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

  /** Starts az without waiting for it (for device code, whose message must be read while az polls). */
  spawn(...args: string[]): ChildProcess {
    return spawn('az', [...args, '--output', 'json'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

function claimsOf(jwt: string): Record<string, any> {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'the access token is not a JWT');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

async function registerCloud(az: Az, s: TestServer): Promise<void> {
  await az.ok(
    'cloud', 'register', '-n', 'Amity',
    '--endpoint-resource-manager', `${s.url}/`,
    '--endpoint-active-directory', `${s.url}/adfs`,
    '--endpoint-active-directory-resource-id', `${s.url}/`,
    '--endpoint-active-directory-graph-resource-id', `${s.url}/graph/`,
  );
  await az.ok('cloud', 'set', '-n', 'Amity');
}

/** After a user login: az's view of the account and a token ARM accepts (or, once RBAC decides, answers 403 rather than 401). */
async function checkSignedIn(az: Az, s: TestServer, upn: string, objectId: string): Promise<void> {
  const token = await az.ok('account', 'get-access-token');
  assert.equal(token.tenant, s.tenantId);
  assert.equal(token.tokenType, 'Bearer');
  const claims = claimsOf(token.accessToken);
  assert.equal(claims.aud, `${s.url}/`);
  assert.equal(claims.oid, objectId);
  assert.equal(claims.upn, upn);
  assert.equal(claims.idtyp, 'user');
  const res = await s.raw('GET', `/subscriptions?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token.accessToken}` } });
  assert.ok(res.status === 200 || (res.status === 403 && res.body.error.code === 'AuthorizationFailed'), res.text);
  const account = await az.ok('account', 'show');
  assert.equal(account.user.name, upn);
  assert.equal(account.user.type, 'user');
  assert.equal(account.tenantId, s.tenantId);
}

test('az login -u -p signs a user in; a wrong password fails with AADSTS50126', async (t) => {
  if (!requireAz(t)) return;
  const s = await startTestServer();
  const az = new Az(s.caBundlePath);
  try {
    const user = await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'ada@amity.local', displayName: 'Ada Lovelace', password: 'Engine-1843!' });
    await registerCloud(az, s);

    const wrong = await az.fails('login', '-u', 'ada@amity.local', '-p', 'not-it', '--allow-no-subscriptions');
    assert.match(wrong.stderr, /AADSTS50126/);

    const r = await az.run('login', '-u', 'ada@amity.local', '-p', 'Engine-1843!', '--allow-no-subscriptions');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(r.json) && r.json.length >= 1, r.stdout);
    for (const entry of r.json) {
      assert.equal(entry.tenantId, s.tenantId);
      assert.deepEqual(entry.user, { name: 'ada@amity.local', type: 'user' });
    }
    await checkSignedIn(az, s, 'ada@amity.local', user.object_id);
  } finally {
    az.dispose();
    await s.close();
  }
});

test('az login --use-device-code: the code az prints is approved on the device page and az finishes signed in', async (t) => {
  if (!requireAz(t)) return;
  const s = await startTestServer();
  const az = new Az(s.caBundlePath);
  try {
    const user = await createUser(s.running.context.database.db, s.tenantId, { userPrincipalName: 'linus@amity.local', displayName: 'Linus', password: 'Kernel-1991!' });
    await registerCloud(az, s);

    const child = az.spawn('login', '--use-device-code', '--allow-no-subscriptions');
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const timer = setTimeout(() => child.kill('SIGKILL'), AZ_TIMEOUT_MS * 2);
    try {
      const code = await new Promise<string>((resolve, reject) => {
        const look = () => {
          const m = /open the page (\S+) and enter the code ([A-Z]{8}) to authenticate/.exec(stderr + stdout);
          if (m) {
            assert.equal(m[1], `${s.url}/devicelogin`);
            resolve(m[2]);
          }
        };
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
          look();
        });
        child.stdout!.on('data', look);
        void exited.then((c) => reject(new Error(`az exited (${c}) before printing a code:\n${stderr}\n${stdout}`)));
      });
      const approved = await approveDeviceCode(s, code, 'linus@amity.local', 'Kernel-1991!');
      assert.equal(approved.status, 200, approved.text);
      const exitCode = await exited;
      assert.equal(exitCode, 0, stderr);
    } finally {
      clearTimeout(timer);
    }
    const entries = JSON.parse(stdout);
    assert.ok(entries.length >= 1, stdout);
    assert.deepEqual(entries[0].user, { name: 'linus@amity.local', type: 'user' });
    await checkSignedIn(az, s, 'linus@amity.local', user.object_id);
  } finally {
    az.dispose();
    await s.close();
  }
});
