import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { backends } from '../support/backends.js';
import { request } from '../support/http.js';
import { startTestServer } from '../support/server.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SUBSCRIPTIONS = '/subscriptions?api-version=2022-12-01';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-boot-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tokenBody(clientId: string, secret: string): string {
  return new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://management.azure.com//.default' }).toString();
}

test('the first start writes bootstrap.json; a restart keeps the tenant, the secret and bootstrap.json as they were', async (t) => {
  const dataDir = path.join(tempDir(t), 'data');
  const s = await startTestServer({ dataDir });
  try {
    const file = path.join(dataDir, 'bootstrap.json');
    const text = fs.readFileSync(file, 'utf8');
    const boot = JSON.parse(text);
    assert.deepEqual(Object.keys(boot).sort(), ['armEndpoint', 'authorityHost', 'caBundlePath', 'caCertPath', 'clientId', 'clientSecret', 'graphEndpoint', 'subscriptionId', 'tenantId']);
    assert.deepEqual(s.running.bootstrapFile, boot, 'what startServer returns is what it wrote');
    for (const key of ['tenantId', 'subscriptionId', 'clientId']) assert.match(boot[key], GUID, key);
    assert.equal(new Set([boot.tenantId, boot.subscriptionId, boot.clientId]).size, 3);
    assert.match(boot.clientSecret, /^[A-Za-z0-9_~.-]{32,}$/, 'a long URL-safe secret');
    assert.equal(boot.armEndpoint, `${s.url}/`);
    assert.ok(boot.armEndpoint.endsWith('/'));
    assert.equal(boot.authorityHost, s.url);
    assert.equal(boot.graphEndpoint, `${s.url}/msgraph/`, "the Graph base, az's microsoftGraphResourceId");
    assert.ok(path.isAbsolute(boot.caCertPath) && fs.existsSync(boot.caCertPath));
    const ca = new X509Certificate(fs.readFileSync(boot.caCertPath));
    assert.equal(ca.ca, true, 'caCertPath is a CA certificate');
    assert.ok(fs.readFileSync(boot.caBundlePath, 'utf8').includes(fs.readFileSync(boot.caCertPath, 'utf8').trim()), 'the bundle carries the CA');
    // A client trusting only that CA reaches the server (request() verifies the chain and the name).
    const viaCa = await request(`${boot.authorityHost}/adfs/.well-known/openid-configuration`, { ca: fs.readFileSync(boot.caCertPath) });
    assert.equal(viaCa.status, 200);
    await assert.rejects(request(`${boot.authorityHost}/adfs/.well-known/openid-configuration`), 'untrusted without the CA');

    const firstToken = await s.raw('POST', `/${boot.tenantId}/oauth2/v2.0/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: tokenBody(boot.clientId, boot.clientSecret) });
    assert.equal(firstToken.status, 200, 'the bootstrap secret signs in');
    const mtime = fs.statSync(file).mtimeMs;

    await s.restart();
    assert.equal(s.running.bootstrapFile, undefined, 'a restart creates no new administrator');
    assert.equal(s.running.tenantId, boot.tenantId);
    assert.equal(s.running.subscriptionId, boot.subscriptionId);
    assert.equal(fs.readFileSync(file, 'utf8'), text, 'bootstrap.json is not rewritten');
    assert.equal(fs.statSync(file).mtimeMs, mtime);
    const again = await s.raw('POST', `/${boot.tenantId}/oauth2/v2.0/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: tokenBody(boot.clientId, boot.clientSecret) });
    assert.equal(again.status, 200, 'the same secret still signs in after the restart');
    const subs = await s.raw('GET', SUBSCRIPTIONS, { headers: { authorization: `Bearer ${again.body.access_token}` } });
    assert.equal(subs.status, 200);
    assert.deepEqual(subs.body.value.map((v: { subscriptionId: string; tenantId: string }) => [v.subscriptionId, v.tenantId]), [[boot.subscriptionId, boot.tenantId]]);

    // Without bootstrap.json (deleted by the operator) a restart still neither re-creates the tenant nor writes a new secret.
    fs.rmSync(file);
    await s.restart();
    assert.equal(fs.existsSync(file), false);
    assert.equal(s.running.tenantId, boot.tenantId);
    const db = s.running.context.database.db;
    assert.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1, 'one subscription');
    assert.deepEqual((await db.selectFrom('principals').select('app_id').execute()).map((p) => p.app_id), [boot.clientId], 'one service principal');
    assert.equal((await db.selectFrom('credentials').selectAll().execute()).length, 1, 'one credential');
    assert.equal((await db.selectFrom('settings').select('value').where('name', '=', 'tenantId').executeTakeFirst())?.value, boot.tenantId);
  } finally {
    await s.close();
  }
});

test('two nodes bootstrapping one PostgreSQL database at once create a single tenant', async (t) => {
  const { backends: list, skipped } = await backends();
  const postgres = list.find((b) => b.name === 'postgres');
  if (!postgres) {
    t.skip(skipped ?? 'PostgreSQL not available');
    return;
  }
  const tmp = tempDir(t);
  const database = (await postgres.database())!;
  const keyEncryptionKey = crypto.randomBytes(32).toString('hex');
  const started = await Promise.allSettled(
    ['a', 'b'].map((n) => startServer({ host: '127.0.0.1', port: 0, dataDir: path.join(tmp, n), database, keyEncryptionKey, logLevel: 'warn' })),
  );
  const nodes = started.filter((r): r is PromiseFulfilledResult<RunningServer> => r.status === 'fulfilled').map((r) => r.value);
  try {
    assert.equal(nodes.length, 2, started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')).join('; '));
    assert.equal(nodes[0].tenantId, nodes[1].tenantId, 'one tenant');
    assert.equal(nodes[0].subscriptionId, nodes[1].subscriptionId);
    assert.equal(nodes.filter((n) => n.bootstrapFile).length, 1, 'exactly one node created the administrator');
    const db = nodes[0].context.database.db;
    assert.equal((await db.selectFrom('principals').selectAll().execute()).length, 1);
    assert.equal((await db.selectFrom('subscriptions').selectAll().execute()).length, 1);
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
    await postgres.stop();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `node bin/amity.js server` until its sign-in help is printed; returns the process and its output so far. */
async function startCli(dataDir: string, port: number) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AMITY_')) env[k] = v;
  const child = spawn(process.execPath, ['bin/amity.js', 'server', '--data', dataDir, '--port', String(port)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 20_000);
    const check = () => {
      if (/az login .*--tenant \S+/.test(stdout)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(/az login/.test(stdout));
    });
  });
  if (!ready) {
    child.kill('SIGKILL');
    assert.fail(`amity server did not print its sign-in help.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }
  return { child, exited, output: () => stdout, errors: () => stderr };
}

test('`amity server` prints the sign-in help with the client id and az commands, serves, and stops on SIGTERM', async (t) => {
  assert.ok(
    fs.existsSync(path.join(REPO, 'dist/src/cli/main.js')),
    'dist/src/cli/main.js is missing: run `npm run build` (npm install runs it through the prepare script) before this test',
  );
  const dataDir = path.join(tempDir(t), 'data');
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;

  const first = await startCli(dataDir, port);
  let boot: Record<string, string>;
  try {
    const help = first.output();
    boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
    assert.ok(help.includes(`Amity is listening on ${url}`), help);
    assert.ok(help.includes(boot.clientId), 'the client id is shown');
    assert.ok(help.includes(boot.tenantId), 'the tenant id is shown');
    assert.ok(help.includes(boot.clientSecret), 'the secret is shown once, on the start that created it');
    assert.ok(
      help.includes(`az cloud register -n Amity --endpoint-resource-manager ${url}/ --endpoint-active-directory ${url}/adfs`),
      `the az cloud register line names this server in ADFS mode:\n${help}`,
    );
    assert.ok(help.includes(`--endpoint-active-directory-resource-id ${url}/`));
    assert.ok(help.includes(`az login --service-principal -u ${boot.clientId}`));
    assert.ok(help.includes(`REQUESTS_CA_BUNDLE=${boot.caBundlePath}`));
    assert.ok(help.includes(`NODE_EXTRA_CA_CERTS=${boot.caCertPath}`));

    const ca = fs.readFileSync(boot.caCertPath);
    const res = await request(`${url}/${boot.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody(boot.clientId, boot.clientSecret),
      ca,
    });
    assert.equal(res.status, 200, `the CLI's server issues tokens: ${res.text}`);

    first.child.kill('SIGTERM');
    const exit = await Promise.race([first.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
    assert.deepEqual(exit, { code: 0, signal: null }, `exits cleanly on SIGTERM; stderr: ${first.errors()}`);
    await assert.rejects(request(`${url}/adfs/.well-known/openid-configuration`, { ca }), /ECONNREFUSED/, 'no longer listening');
  } finally {
    if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
  }

  // A second start on the same data points at bootstrap.json and does not print the secret again.
  const second = await startCli(dataDir, port);
  try {
    const help = second.output();
    assert.ok(help.includes(boot.tenantId));
    assert.ok(!help.includes(boot.clientSecret), 'the secret is not shown again');
    assert.ok(help.includes(`Sign in with the administrator credentials in ${dataDir}/bootstrap.json`), help);
    second.child.kill('SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null });
  } finally {
    if (second.child.exitCode === null && second.child.signalCode === null) second.child.kill('SIGKILL');
  }
});
