import crypto from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';
import { federationErrors } from './errors.js';

export const CLOCK_SKEW_SECONDS = 300;
const ALGORITHMS: Record<string, { hash: string; dsaEncoding?: 'ieee-p1363'; kty: string }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363', kty: 'EC' },
};

export interface DecodedAssertion {
  alg: string;
  kid: string | undefined;
  claims: JWTPayload;
  iss: string;
  sub: string;
  /** The audiences the token names. */
  aud: string[];
}

/** Decodes the assertion without trusting it: header, claims, and the issuer whose keys must verify it. */
export function decodeAssertion(token: string): DecodedAssertion {
  let header: { alg?: string; kid?: string };
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw federationErrors.malformed('the client assertion is not a signed JWT.');
  }
  const alg = header.alg ?? '';
  if (!ALGORITHMS[alg]) throw federationErrors.unsupportedAlgorithm(alg);
  if (typeof claims.iss !== 'string' || !claims.iss) throw federationErrors.malformed("the client assertion has no 'iss' claim.");
  const aud = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
  return { alg, kid: header.kid, claims, iss: claims.iss, sub: typeof claims.sub === 'string' ? claims.sub : '', aud };
}

/** The time window: exp is required; exp, nbf and iat are checked with a small skew (AADSTS700024). */
export function checkTimes(claims: JWTPayload, nowMs = Date.now()): void {
  const now = nowMs / 1000;
  const from = typeof claims.nbf === 'number' ? claims.nbf : typeof claims.iat === 'number' ? claims.iat : undefined;
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const bad =
    exp === undefined ||
    exp + CLOCK_SKEW_SECONDS < now ||
    (from !== undefined && from - CLOCK_SKEW_SECONDS > now) ||
    (typeof claims.iat === 'number' && claims.iat - CLOCK_SKEW_SECONDS > now);
  if (bad) throw federationErrors.timeRange(new Date(nowMs), from === undefined ? undefined : new Date(from * 1000), exp === undefined ? undefined : new Date(exp * 1000));
}

/** Verifies the signature (RS256 or ES256) with a public key (a JWK or a KeyObject). */
export function verifySignature(token: string, alg: string, key: JWK | crypto.KeyObject): void {
  const spec = ALGORITHMS[alg];
  let publicKey: crypto.KeyObject;
  try {
    publicKey = key instanceof crypto.KeyObject ? key : crypto.createPublicKey({ key: key as crypto.JsonWebKey, format: 'jwk' });
  } catch {
    throw federationErrors.badSignature();
  }
  if (!spec || publicKey.asymmetricKeyType?.toUpperCase() !== spec.kty) throw federationErrors.badSignature();
  const parts = token.split('.');
  if (parts.length !== 3) throw federationErrors.malformed('the client assertion is not a signed JWT.');
  const ok = crypto.verify(spec.hash, Buffer.from(`${parts[0]}.${parts[1]}`), spec.dsaEncoding ? { key: publicKey, dsaEncoding: spec.dsaEncoding } : publicKey, Buffer.from(parts[2], 'base64url'));
  if (!ok) throw federationErrors.badSignature();
}
