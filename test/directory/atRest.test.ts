import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startTestServer, type TestServer } from '../support/server.js';
import { backends } from '../support/backends.js';
import { verifySecret } from '../../src/directory/secrets.js';
import { adminTokenRequest, bearer, FORM, SUBSCRIPTIONS } from './support.js';

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** Byte strings that must never be stored: the client secret and the signing key's private half, in every encoding we can think of. */
function forbiddenNeedles(s: TestServer): { name: string; bytes: Buffer }[] {
  const secretRaw = Buffer.from(s.clientSecret, 'base64url');
  const privateKey = s.running.context.keys.active()!.privateKey!;
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const rsaDer = privateKey.export({ type: 'pkcs1', format: 'der' });
  const jwk = privateKey.export({ format: 'jwk' });
  const kek = fs.readFileSync(path.join(s.dataDir, 'key-encryption-key'), 'utf8').trim();
  return [
    { name: 'client secret', bytes: Buffer.from(s.clientSecret) },
    { name: 'client secret (raw bytes)', bytes: secretRaw },
    { name: 'client secret (base64 of its bytes)', bytes: Buffer.from(secretRaw.toString('base64').replace(/=+$/, '')) },
    { name: 'PEM private key', bytes: Buffer.from('PRIVATE KEY') },
    { name: 'PKCS#8 DER', bytes: der.subarray(0, 64) },
    { name: 'PKCS#8 DER (private exponent region)', bytes: der.subarray(300, 364) },
    { name: 'PKCS#1 DER', bytes: rsaDer.subarray(0, 64) },
    { name: 'PKCS#8 base64', bytes: Buffer.from(der.toString('base64').slice(0, 64)) },
    { name: 'PKCS#8 base64url', bytes: Buffer.from(der.toString('base64url').slice(0, 64)) },
    { name: 'PKCS#8 hex', bytes: Buffer.from(der.toString('hex').slice(0, 64)) },
    { name: "JWK private member '\"d\":'", bytes: Buffer.from('"d":') },
    { name: 'JWK d value', bytes: Buffer.from(jwk.d!.slice(0, 40)) },
    { name: 'JWK p value', bytes: Buffer.from(jwk.p!.slice(0, 40)) },
    { name: 'key-encryption key', bytes: Buffer.from(kek) },
    { name: 'key-encryption key (raw bytes)', bytes: Buffer.from(kek, 'base64') },
  ];
}

function assertAbsent(where: string, haystack: Buffer, needles: { name: string; bytes: Buffer }[]): void {
  for (const n of needles) assert.equal(haystack.indexOf(n.bytes), -1, `${n.name} found in ${where}`);
}

/** What every backend must show after bootstrap and use: file modes, no secret or private key in the data folder outside bootstrap.json. */
async function checkCommon(s: TestServer, dataDir: string): Promise<void> {
  // Use the server a little so that the stores have seen tokens, a resource group and an identity.
  assert.equal((await s.arm('GET', SUBSCRIPTIONS)).status, 200);
  assert.equal((await s.arm('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/rest-rg?api-version=2021-04-01`, { location: 'westus' })).status, 201);
  const id = `/subscriptions/${s.subscriptionId}/resourceGroups/rest-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rest-id?api-version=2024-11-30`;
  assert.equal((await s.arm('PUT', id, { location: 'westus' })).status, 201);

  assert.equal(mode(dataDir), 0o700, 'data folder');
  assert.equal(mode(path.join(dataDir, 'bootstrap.json')), 0o600, 'bootstrap.json');
  assert.equal(mode(path.join(dataDir, 'key-encryption-key')), 0o600, 'key-encryption-key');
  assert.equal(mode(path.join(dataDir, 'tls')), 0o700, 'tls folder');
  assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')).clientSecret, s.clientSecret);

  const needles = forbiddenNeedles(s);
  for (const file of filesUnder(dataDir)) {
    if (path.basename(file) === 'bootstrap.json') continue;
    const secretOnly = needles.filter((n) => n.name.startsWith('client secret') || n.name.startsWith('JWK') || n.name.startsWith('PKCS#8'));
    // tls/*.key are the TLS keys (PEM by design) and key-encryption-key is the key itself.
    assertAbsent(file, fs.readFileSync(file), /\.key$|key-encryption-key$/.test(file) ? secretOnly : needles);
  }
}

async function checkCredentialRow(rows: { secret_hash: string; hint: string }[], secret: string): Promise<void> {
  assert.equal(rows.length, 1, 'one credential: the bootstrap secret');
  const [row] = rows;
  assert.match(row.secret_hash, /^hmac-sha256\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/);
  assert.equal(await verifySecret(secret, row.secret_hash), true, 'the hash verifies the secret');
  assert.ok(row.hint.length <= 3 && secret.startsWith(row.hint), 'the hint is at most the first three characters');
}

test('SQLite: no secret, private key or key-encryption key in the database files; files and folders are private', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-rest-'));
  const dataDir = path.join(tmp, 'data'); // does not exist yet: the server creates it
  const s = await startTestServer({ dataDir });
  try {
    await checkCommon(s, dataDir);
    const dbFiles = ['amity.db', 'amity.db-wal', 'amity.db-shm'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f));
    assert.ok(dbFiles.length >= 2, 'the database runs in WAL mode');
    for (const f of dbFiles) assert.equal(mode(f), 0o600, path.basename(f));
    const needles = forbiddenNeedles(s);
    const bytes = Buffer.concat(dbFiles.map((f) => fs.readFileSync(f)));
    // The test can see real data in these bytes, so the absence checks are meaningful.
    assert.ok(bytes.includes(Buffer.from(s.tenantId)) && bytes.includes(Buffer.from('rest-id')), 'database bytes hold the tenant and the identity');
    assertAbsent('amity.db*', bytes, needles);
    const rows = await s.running.context.database.db.selectFrom('credentials').select(['secret_hash', 'hint']).execute();
    await checkCredentialRow(rows, s.clientSecret);
    const signing = await s.running.context.database.db.selectFrom('signing_keys').selectAll().execute();
    assert.equal(signing.length, 1);
    assert.match(signing[0].private_key_enc, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/, 'the private key is stored sealed');

    await s.close();
    // After a clean shutdown the WAL is folded into the main file: check it again.
    assertAbsent('amity.db after close', fs.readFileSync(path.join(dataDir, 'amity.db')), needles);
    assert.equal(mode(path.join(dataDir, 'amity.db')), 0o600);
  } finally {
    await s.close().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('PostgreSQL: no secret, private key or key-encryption key in any column of any table', async (t) => {
  const { backends: list, skipped } = await backends();
  const postgres = list.find((b) => b.name === 'postgres');
  if (!postgres) {
    t.skip(skipped ?? 'PostgreSQL not available');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-rest-'));
  const dataDir = path.join(tmp, 'data');
  let s: TestServer | undefined;
  const databaseUrl = (await postgres.database())!;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    s = await startTestServer({ dataDir, database: databaseUrl });
    await checkCommon(s, dataDir);
    assert.equal(fs.existsSync(path.join(dataDir, 'amity.db')), false, 'no SQLite file beside PostgreSQL');

    await client.connect();
    const tables = (await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")).rows.map((r) => r.table_name);
    for (const expected of ['credentials', 'principals', 'settings', 'signing_keys']) assert.ok(tables.includes(expected), `table ${expected}`);
    const dump: string[] = [];
    for (const table of tables) {
      const { rows } = await client.query<{ r: string }>(`select row_to_json(t)::text as r from "${table.replace(/"/g, '""')}" t`);
      dump.push(...rows.map((r) => r.r));
    }
    const text = Buffer.from(dump.join('\n'));
    assert.ok(text.includes(Buffer.from(s.tenantId)) && text.includes(Buffer.from('rest-id')), 'the dump holds the tenant and the identity');
    assertAbsent('PostgreSQL dump', text, forbiddenNeedles(s));
    const creds = await client.query<{ secret_hash: string; hint: string }>('select secret_hash, hint from credentials');
    await checkCredentialRow(creds.rows, s.clientSecret);
  } finally {
    await client.end().catch(() => undefined);
    await s?.close();
    await postgres.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('server logs at info level never contain the client secret or an access token', async () => {
  const lines: string[] = [];
  const s = await startTestServer({ extra: { logLevel: 'info', logStream: { write: (line: string) => void lines.push(line) } } });
  const tokens: string[] = [];
  const wrongSecret = `wrong-${crypto.randomBytes(16).toString('base64url')}`;
  try {
    const v2 = await adminTokenRequest(s, 'https://management.azure.com/.default');
    assert.equal(v2.status, 200);
    tokens.push(v2.body.access_token);
    const adfs = await s.raw('POST', '/adfs/oauth2/token', {
      headers: FORM,
      body: `client_id=${s.clientId}&grant_type=client_credentials&client_info=1&client_secret=${s.clientSecret}&scope=${encodeURIComponent(`${s.url}//.default`)}`,
    });
    assert.equal(adfs.status, 200);
    tokens.push(adfs.body.access_token);
    const basic = await s.raw('POST', `/${s.tenantId}/oauth2/v2.0/token?client-request-id=${crypto.randomUUID()}`, {
      headers: { ...FORM, authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=https%3A%2F%2Fmanagement.azure.com%2F.default',
    });
    assert.equal(basic.status, 200);
    tokens.push(basic.body.access_token);
    assert.equal((await adminTokenRequest(s, 'https://management.azure.com/.default', { client_secret: wrongSecret })).status, 401);

    for (const token of tokens) {
      assert.equal((await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(token) })).status, 200);
    }
    const put = await s.raw('PUT', `/subscriptions/${s.subscriptionId}/resourcegroups/log-rg?api-version=2021-04-01`, {
      headers: { ...bearer(tokens[0]), 'content-type': 'application/json' },
      body: JSON.stringify({ location: 'westus' }),
    });
    assert.equal(put.status, 201);
    const tampered = `${tokens[0].slice(0, -4)}AAAA`;
    assert.equal((await s.raw('GET', SUBSCRIPTIONS, { headers: bearer(tampered) })).status, 401);
    tokens.push(tampered);
  } finally {
    await s.close();
  }

  const log = lines.join('');
  // The capture works and request logging is on: otherwise the absence checks below prove nothing.
  assert.ok(lines.length >= 10, `expected request logs, got ${lines.length} lines`);
  assert.ok(log.includes('/oauth2/v2.0/token') && log.includes('/adfs/oauth2/token') && log.includes('/subscriptions'), 'requests are logged');
  assert.ok(!log.includes(s.clientSecret), 'the client secret is not logged');
  assert.ok(!log.includes(wrongSecret), 'a wrong secret is not logged either');
  for (const token of tokens) {
    const [, payload, signature] = token.split('.');
    assert.ok(!log.includes(payload), 'no access token (payload) in the logs');
    assert.ok(!log.includes(signature), 'no access token (signature) in the logs');
  }
  assert.ok(!log.includes(Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')), 'no Basic credentials in the logs');
});
