import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecret, hashSecret, verifySecret } from '../../src/directory/secrets.js';

test('generated secrets are long, URL-safe and unique', () => {
  const a = generateSecret();
  const b = generateSecret();
  assert.match(a, /^[A-Za-z0-9_-]{40}$/);
  assert.notEqual(a, b);
});

test('a secret hash is salted scrypt: not the secret, verifies only the secret, differs each time', async () => {
  const secret = generateSecret();
  const h1 = await hashSecret(secret);
  const h2 = await hashSecret(secret);
  assert.ok(!h1.includes(secret), 'the hash does not contain the secret');
  assert.match(h1, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(h1, h2, 'two hashes of one secret differ (random salt)');
  assert.equal(await verifySecret(secret, h1), true);
  assert.equal(await verifySecret(secret, h2), true);
  assert.equal(await verifySecret(`${secret}x`, h1), false);
  assert.equal(await verifySecret(secret.slice(0, -1), h1), false);
  assert.equal(await verifySecret('', h1), false);
  assert.equal(await verifySecret(secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase(), h1), false, 'case matters');
});

test('a stored value that is not an scrypt hash never verifies', async () => {
  const secret = generateSecret();
  for (const stored of ['', secret, `plain$${secret}`, 'scrypt$16384$8$1$$', `bcrypt$16384$8$1$c2FsdA$${secret}`]) {
    assert.equal(await verifySecret(secret, stored), false, stored);
  }
});

test('generated secrets never start with a character a command line reads as an option', () => {
  for (let i = 0; i < 2000; i++) assert.match(generateSecret(), /^[A-Za-z0-9][A-Za-z0-9_-]{39}$/);
});
