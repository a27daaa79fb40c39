import crypto from 'node:crypto';

/**
 * Device codes, refresh tokens and form tokens are 256-bit random values, so a plain SHA-256 is enough to store
 * them (no salt or stretching needed: they cannot be guessed, only stolen, and the hash is useless to a thief).
 */
export function tokenHash(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function randomToken(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}
