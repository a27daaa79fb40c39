import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertKekMatches, KeyEncryptionKey, kekCheckValue } from '../../src/directory/keyEncryption.js';

const key = () => KeyEncryptionKey.fromText(crypto.randomBytes(32).toString('hex'));

test('encrypt/decrypt round-trips, with a fresh IV each time and no plaintext in the sealed value', () => {
  const kek = key();
  const plain = crypto.randomBytes(1200);
  const a = kek.encrypt(plain, 'kid-1');
  const b = kek.encrypt(plain, 'kid-1');
  assert.notEqual(a, b);
  assert.match(a, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(!a.includes(plain.toString('base64url').slice(0, 32)));
  assert.deepEqual(kek.decrypt(a, 'kid-1'), plain);
  assert.deepEqual(kek.decrypt(b, 'kid-1'), plain);
});

test('a tampered ciphertext, tag or IV, another context or another key all fail to decrypt', () => {
  const kek = key();
  const sealed = kek.encrypt(Buffer.from('private key bytes'), 'kid-1');
  const [v, iv, tag, body] = sealed.split('.');
  const flip = (s: string) => {
    const bytes = Buffer.from(s, 'base64url');
    bytes[0] ^= 1;
    return bytes.toString('base64url');
  };
  assert.throws(() => kek.decrypt([v, iv, tag, flip(body)].join('.'), 'kid-1'));
  assert.throws(() => kek.decrypt([v, iv, flip(tag), body].join('.'), 'kid-1'));
  assert.throws(() => kek.decrypt([v, flip(iv), tag, body].join('.'), 'kid-1'));
  assert.throws(() => kek.decrypt(sealed, 'kid-2'), 'bound to its context: a row cannot be moved');
  assert.throws(() => key().decrypt(sealed, 'kid-1'));
  assert.throws(() => kek.decrypt(`v2.${iv}.${tag}.${body}`, 'kid-1'), /unrecognised/);
  assert.throws(() => kek.decrypt('garbage', 'kid-1'), /unrecognised/);
});

test('keys are read as 64 hex digits or base64 of 32 bytes, and nothing else', () => {
  const raw = crypto.randomBytes(32);
  const sealed = KeyEncryptionKey.fromText(raw.toString('hex')).encrypt(Buffer.from('x'), 'c');
  for (const text of [raw.toString('hex').toUpperCase(), raw.toString('base64'), raw.toString('base64url'), `  ${raw.toString('base64')}\n`]) {
    assert.equal(KeyEncryptionKey.fromText(text).decrypt(sealed, 'c').toString(), 'x', text);
  }
  for (const bad of [raw.toString('hex').slice(0, 62), raw.toString('hex').slice(0, 43), crypto.randomBytes(33).toString('base64'), 'x'.repeat(10), '']) {
    assert.throws(() => KeyEncryptionKey.fromText(bad), /must be 32 bytes/, bad);
  }
});

test('load() prefers the given key, then the file, else generates a 0600 key file once and reuses it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amity-kek-unit-'));
  try {
    const dataDir = path.join(dir, 'data');
    const generated = KeyEncryptionKey.load({ dataDir });
    const file = path.join(dataDir, 'key-encryption-key');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
    const sealed = generated.encrypt(Buffer.from('y'), 'c');
    assert.equal(KeyEncryptionKey.load({ dataDir }).decrypt(sealed, 'c').toString(), 'y', 'the same key on the next load');

    const hex = crypto.randomBytes(32).toString('hex');
    const fromEnv = KeyEncryptionKey.load({ env: hex, file: file, dataDir });
    assert.throws(() => fromEnv.decrypt(sealed, 'c'), 'the given key wins over the file');
    const keyFile = path.join(dir, 'kek');
    fs.writeFileSync(keyFile, hex);
    assert.equal(KeyEncryptionKey.load({ file: keyFile, dataDir }).decrypt(fromEnv.encrypt(Buffer.from('z'), 'c'), 'c').toString(), 'z');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the check value detects a key that does not match the database', () => {
  const kek = key();
  const check = kekCheckValue(kek);
  assert.doesNotThrow(() => assertKekMatches(kek, check));
  assert.throws(() => assertKekMatches(key(), check), /key-encryption key does not match this database/);
  assert.throws(() => assertKekMatches(kek, 'v1.AAAA.AAAA.AAAA'), /does not match/);
});
