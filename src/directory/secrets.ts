import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };

/** A client secret as Entra shows it once: 40 URL-safe characters, the first three kept as a hint. */
export function generateSecret(): string {
  // A secret starting with '-' reads as an option to command lines (`az login -p -x…` fails), so draw again.
  for (;;) {
    const secret = crypto.randomBytes(30).toString('base64url');
    if (/^[A-Za-z0-9]/.test(secret)) return secret;
  }
}

/**
 * A password a person chose: salted scrypt, slow on purpose, because a chosen password can be guessed from a list and a
 * stolen database must make each guess expensive.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * A client secret this server generated (generateSecret: 240 random bits): salted HMAC-SHA-256. Nothing can be guessed
 * from a list, and 2^240 candidates are out of reach at any speed, so a slow hash protects nothing more (NIST SP
 * 800-63B allows a single approved hash for verifier-generated secrets of at least 112 bits). Scrypt cost 33 ms of CPU
 * and 16 MB per client-credentials grant, and per wrong secret: anyone could keep the thread pool busy with bad secrets.
 */
export function hashClientSecret(secret: string): string {
  const salt = crypto.randomBytes(16);
  return ['hmac-sha256', salt.toString('base64url'), hmac(salt, secret).toString('base64url')].join('$');
}

function hmac(salt: Buffer, secret: string): Buffer {
  return crypto.createHmac('sha256', salt).update(secret, 'utf8').digest();
}

/** Whether `stored` (either form above) was made from `secret`; anything else never verifies. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts[0] === 'hmac-sha256' && parts.length === 3 && parts[1] && parts[2]) {
    const expected = Buffer.from(parts[2], 'base64url');
    const actual = hmac(Buffer.from(parts[1], 'base64url'), secret);
    return expected.length === actual.length && crypto.timingSafeEqual(actual, expected);
  }
  const [scheme, n, r, p, salt, hash] = parts;
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return crypto.timingSafeEqual(actual, expected);
}

/** Whether a stored client secret is still in the slow form an older version wrote (re-hashed once it verifies). */
export function isSlowClientSecretHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}
