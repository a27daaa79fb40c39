import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type ServerOptions } from '../../src/server/start.js';
import { startTestServer } from '../support/server.js';

const SUBSCRIPTIONS = '/subscriptions?api-version=2022-12-01';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-kek-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const base = (dataDir: string, extra: Partial<ServerOptions> = {}): ServerOptions => ({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn', ...extra });

/** startServer must refuse; should it start after all, it is closed so the test fails rather than hangs. */
async function refused(options: ServerOptions): Promise<Error> {
  let started;
  try {
    started = await startServer(options);
  } catch (e) {
    assert.ok(e instanceof Error);
    return e;
  }
  await started.close();
  assert.fail(`the server started with ${JSON.stringify({ ...options, dataDir: undefined })}`);
}

test('a different key-encryption key on the same data is refused; the right one (hex, base64 or file) starts and old tokens still verify', async (t) => {
  const dataDir = tempDir(t);
  const key = crypto.randomBytes(32);
  const hex = key.toString('hex');

  const first = await startTestServer({ dataDir, extra: { keyEncryptionKey: hex } });
  // Tokens name the issuer URL, port included: restarts keep the port, as a real deployment does.
  const port = Number(new URL(first.url).port);
  let token: string;
  try {
    token = await first.token();
    assert.equal((await first.raw('GET', SUBSCRIPTIONS, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal(fs.existsSync(path.join(dataDir, 'key-encryption-key')), false, 'a supplied key is not written to the data folder');
  } finally {
    await first.close();
  }

  const wrong = crypto.randomBytes(32).toString('hex');
  const e = await refused(base(dataDir, { port, keyEncryptionKey: wrong }));
  assert.match(e.message, /key-encryption key does not match this database/);
  assert.match(e.message, /AMITY_KEY_ENCRYPTION_KEY/, 'the message says how to supply the right key');
  assert.ok(!e.message.includes(wrong) && !e.message.includes(hex), 'no key material in the message');
  // Forgetting the key altogether must not silently generate a new one and carry on.
  assert.match((await refused(base(dataDir, { port }))).message, /key-encryption key does not match this database/);

  // The same 32 bytes, as hex, as base64 and in a file, all open the database.
  const keyFile = path.join(dataDir, 'kek.txt');
  fs.writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  for (const extra of [{ keyEncryptionKey: hex.toUpperCase() }, { keyEncryptionKey: key.toString('base64') }, { keyEncryptionKeyFile: keyFile }] as Partial<ServerOptions>[]) {
    const again = await startTestServer({ dataDir, extra: { ...extra, port } });
    try {
      const old = await again.raw('GET', SUBSCRIPTIONS, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(old.status, 200, `a token from before the restart still verifies (${JSON.stringify(extra)}): ${old.text}`);
      const fresh = await again.token();
      assert.equal((await again.raw('GET', SUBSCRIPTIONS, { headers: { authorization: `Bearer ${fresh}` } })).status, 200, 'and new tokens are signed');
    } finally {
      await again.close();
    }
  }
});

test('a malformed key-encryption key is refused with a clear message before any database is created', async (t) => {
  // Each refusal must leave the data folder as it was: no database, no tenant, no TLS material.
  const dataDir = tempDir(t);
  const hex = crypto.randomBytes(32).toString('hex');
  for (const bad of [
    hex.slice(0, 63),
    hex.slice(0, 43), // a truncated hex key: as base64, 43 characters would decode to exactly 32 bytes
    `${hex.slice(0, 63)}g`, // a typo in a hex key
    crypto.randomBytes(16).toString('hex'),
    'not a key',
    crypto.randomBytes(31).toString('base64'),
    `${crypto.randomBytes(32).toString('base64').slice(0, 40)}!@#$`,
  ]) {
    const e = await refused(base(dataDir, { keyEncryptionKey: bad }));
    assert.match(e.message, /key-encryption key must be 32 bytes, given as 64 hex digits or base64/, `for '${bad}'`);
    assert.equal(fs.existsSync(path.join(dataDir, 'amity.db')), false, `no database created for '${bad}'`);
    assert.equal(fs.existsSync(path.join(dataDir, 'bootstrap.json')), false, 'no tenant bootstrapped');
    assert.equal(fs.existsSync(path.join(dataDir, 'tls')), false, 'refused before any key material is generated');
  }
  const file = path.join(dataDir, 'kek.txt');
  fs.writeFileSync(file, 'too short\n');
  assert.match((await refused(base(dataDir, { keyEncryptionKeyFile: file }))).message, /key-encryption key must be 32 bytes/);
  assert.match((await refused(base(dataDir, { keyEncryptionKeyFile: path.join(dataDir, 'missing.txt') }))).message, /missing\.txt/);
});

test('without a supplied key, one is generated into the data folder (0600) and reused on restart', async () => {
  const s = await startTestServer();
  try {
    const file = path.join(s.dataDir, 'key-encryption-key');
    const content = fs.readFileSync(file, 'utf8');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(content.trim(), 'base64').length, 32);
    const token = await s.token();
    await s.restart();
    assert.equal(fs.readFileSync(file, 'utf8'), content, 'the generated key is not replaced');
    assert.equal((await s.raw('GET', SUBSCRIPTIONS, { headers: { authorization: `Bearer ${token}` } })).status, 200);
  } finally {
    await s.close();
  }
});
