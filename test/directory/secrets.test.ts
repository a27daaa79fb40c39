import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecret, hashClientSecret, hashPassword, verifySecret } from '../../src/directory/secrets.js';

test('generated secrets are long, URL-safe and unique', () => {
  const a = generateSecret();
  const b = generateSecret();
  assert.match(a, /^[A-Za-z0-9_-]{40}$/);
  assert.notEqual(a, b);
});

/** What every stored form must do: not contain the secret, differ each time, verify only the secret itself. */
async function verifiesOnlyItsSecret(secret: string, h1: string, h2: string): Promise<void> {
  assert.ok(!h1.includes(secret), 'the hash does not contain the secret');
  assert.notEqual(h1, h2, 'two hashes of one secret differ (random salt)');
  assert.equal(await verifySecret(secret, h1), true);
  assert.equal(await verifySecret(secret, h2), true);
  assert.equal(await verifySecret(`${secret}x`, h1), false);
  assert.equal(await verifySecret(secret.slice(0, -1), h1), false);
  assert.equal(await verifySecret('', h1), false);
  assert.equal(await verifySecret(secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(), h1), false, 'case matters');
}

test('a password hash is salted scrypt: not the password, verifies only the password, differs each time', async () => {
  const password = 'correct horse battery staple';
  const h1 = await hashPassword(password);
  assert.match(h1, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  await verifiesOnlyItsSecret(password, h1, await hashPassword(password));
});

test('a generated client secret hash is salted HMAC-SHA-256 and verifies without scrypt', async () => {
  const secret = generateSecret();
  const h1 = hashClientSecret(secret);
  assert.match(h1, /^hmac-sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  await verifiesOnlyItsSecret(secret, h1, hashClientSecret(secret));
  // Fast: a thousand verifications take what one scrypt does.
  const started = process.cpuUsage();
  for (let i = 0; i < 1000; i++) await verifySecret(`${secret}${i}`, h1);
  const used = process.cpuUsage(started);
  assert.ok(used.user + used.system < 1_000_000, `1,000 verifications used ${(used.user + used.system) / 1000} ms of CPU`);
});

test('a client secret stored in scrypt by an older version still verifies', async () => {
  const secret = generateSecret();
  assert.equal(await verifySecret(secret, await hashPassword(secret)), true);
});

test('a stored value in no known form never verifies', async () => {
  const secret = generateSecret();
  for (const stored of ['', secret, `plain$${secret}`, 'scrypt$16384$8$1$$', `bcrypt$16384$8$1$c2FsdA$${secret}`, 'hmac-sha256$$', `hmac-sha256$c2FsdA$${secret}`, `hmac-sha256$c2FsdA`]) {
    assert.equal(await verifySecret(secret, stored), false, stored);
  }
});

test('generated secrets never start with a character a command line reads as an option', () => {
  for (let i = 0; i < 2000; i++) assert.match(generateSecret(), /^[A-Za-z0-9][A-Za-z0-9_-]{39}$/);
});
