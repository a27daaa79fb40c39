import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { armErrors } from '../arm/errors.js';
import type { SigningKeys } from './signingKeys.js';
import { CONVERGENCE_MS } from '../store/convergence.js';

export interface Principal {
  tenantId: string;
  objectId: string;
  appId?: string;
  claims: JWTPayload;
}

const CLOCK_SKEW_SECONDS = 300;
const CACHE_LIMIT = 10_000;

/**
 * Verifies the bearer tokens ARM requests carry: our signature and kid, RS256 only, issuer, audience,
 * exp and nbf, each failure answered with ARM's 401 code. Verified tokens are cached until they expire,
 * because an RS256 verify costs more than the rest of a read.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { principal: Principal; exp: number }>();
  private readonly issuers: readonly string[];
  private readonly revokedCache = new Map<string, { at: number; revokedBefore: number }>();

  /**
   * `issuer`: the accepted issuer(s). `revokedBefore`: for managed identity tokens (those with `xms_mirid`), the instant (ms)
   * before which the identity's (by its ARM id) tokens are revoked (0 = none); re-read within CONVERGENCE_MS per identity.
   */
  constructor(
    private readonly keys: SigningKeys,
    issuer: string | readonly string[],
    private readonly audiences: readonly string[],
    private readonly revokedBefore?: (identityResourceId: string) => Promise<number>,
  ) {
    this.issuers = typeof issuer === 'string' ? [issuer] : issuer;
  }

  async verify(authorization: string | undefined): Promise<Principal> {
    if (authorization === undefined || authorization === '') throw armErrors.authenticationMissing();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw armErrors.authenticationInvalidHeader();
    const token = match[1];
    const nowSeconds = Date.now() / 1000;
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp + CLOCK_SKEW_SECONDS > nowSeconds) {
        await this.checkRevocation(cached.principal);
        return cached.principal;
      }
      this.cache.delete(token);
    }
    const principal = await this.verifyUncached(token, nowSeconds);
    await this.checkRevocation(principal);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { principal, exp: principal.claims.exp! });
    return principal;
  }

  /**
   * The principal of a token verified before and not expired, synchronously, from the cache keyed by the raw token; undefined
   * otherwise. No revocation check: only for deciding cheaply which bucket a request draws from (throttling); whatever
   * serves the request still calls verify.
   */
  cachedPrincipal(authorization: string | undefined): Principal | undefined {
    if (!authorization || authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    const cached = this.cache.get(authorization.slice(7).trim());
    return cached && cached.exp + CLOCK_SKEW_SECONDS > Date.now() / 1000 ? cached.principal : undefined;
  }

  /** A managed identity's tokens issued before its `revokeTokens` are refused. */
  private async checkRevocation(principal: Principal): Promise<void> {
    const mirid = principal.claims.xms_mirid;
    if (!this.revokedBefore || typeof mirid !== 'string') return;
    const now = Date.now();
    const key = mirid.toLowerCase();
    let entry = this.revokedCache.get(key);
    // Half the nodes' bound here and half in the lookup's own cache (identityRevokedBefore): a revocation on any node is refused everywhere within CONVERGENCE_MS.
    if (!entry || now - entry.at >= CONVERGENCE_MS / 2) {
      entry = { at: now, revokedBefore: await this.revokedBefore(mirid) };
      if (this.revokedCache.size >= CACHE_LIMIT) this.revokedCache.delete(this.revokedCache.keys().next().value!);
      this.revokedCache.set(key, entry);
    }
    // iat has whole seconds: a token is revoked when it was issued in a second before the revocation's, so a token issued
    // right after a revocation is never refused (one issued in the same second just before it may be accepted).
    const iat = typeof principal.claims.iat === 'number' ? principal.claims.iat : 0;
    if (entry.revokedBefore > 0 && iat < Math.floor(entry.revokedBefore / 1000)) throw armErrors.invalidToken('The token has been revoked.');
  }

  private async verifyUncached(token: string, nowSeconds: number): Promise<Principal> {
    let kid: string | undefined;
    let alg: string | undefined;
    try {
      ({ kid, alg } = decodeProtectedHeader(token));
    } catch {
      throw armErrors.invalidToken('The token is malformed.');
    }
    if (alg !== 'RS256') throw armErrors.invalidToken(`The token signing algorithm '${alg ?? ''}' is not supported.`);
    if (!kid) throw armErrors.invalidToken("The token has no 'kid' header.");
    const key = await this.keys.find(kid);
    if (!key) throw armErrors.invalidToken(`The signing key '${kid}' is not known.`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'], clockTolerance: CLOCK_SKEW_SECONDS }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired && typeof e.payload.exp === 'number') {
        throw armErrors.expiredToken(new Date(e.payload.exp * 1000), new Date(nowSeconds * 1000));
      }
      if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'nbf' && typeof e.payload.nbf === 'number') {
        throw armErrors.tokenNotYetValid(new Date(e.payload.nbf * 1000), new Date(nowSeconds * 1000));
      }
      if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw armErrors.invalidToken('The token signature is invalid.');
      throw armErrors.invalidToken(e instanceof Error ? e.message : '');
    }
    if (typeof payload.exp !== 'number') throw armErrors.invalidToken("The token has no 'exp' claim.");
    const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (!audience || !this.audiences.includes(audience)) throw armErrors.wrongAudience(audience ?? '', this.audiences);
    if (typeof payload.iss !== 'string' || !this.issuers.includes(payload.iss)) throw armErrors.wrongTenant(String(payload.iss ?? ''));
    if (typeof payload.oid !== 'string' || typeof payload.tid !== 'string') throw armErrors.invalidToken("The token has no 'oid' or 'tid' claim.");
    return { tenantId: payload.tid, objectId: payload.oid, appId: typeof payload.appid === 'string' ? payload.appid : undefined, claims: payload };
  }
}
