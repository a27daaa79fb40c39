import { hostKeyForSecret, hostStateVersion, loadHost, type HostIdentity, type HostRecord } from '../providers/compute/hostIdentities.js';
import type { ServerContext } from '../server/context.js';
import { HostRateLimiter, type RateLimitOptions } from './rateLimit.js';
import { selectIdentity, type IdentitySelector } from './selectIdentity.js';
import { WorkloadTokenCache, type CachedToken } from './tokenCache.js';

export interface WorkloadTokenOptions {
  /** Per-host throttling (Azure's 20/s, 5 concurrent by default); `false` turns it off (benchmarks). */
  rateLimit?: RateLimitOptions | false;
  /** The server's token cache; off only to measure issuance. */
  cache?: boolean;
}

export type TokenOutcome =
  | { ok: true; token: CachedToken; identity: HostIdentity; cached: boolean }
  | { ok: false; status: number; error: string; description: string; retryAfterSeconds?: number };

/**
 * The workload token service behind the App Service endpoint (and, through `amity agent`, IMDS): authenticates the
 * host by its credential, picks the identity, and hands out a cached token or signs one.
 */
export class WorkloadTokens {
  readonly cache = new WorkloadTokenCache();
  private readonly limiter?: HostRateLimiter;
  private readonly useCache: boolean;
  /** Tokens signed, for tests and the benchmark: a cache hit signs nothing. */
  signatures = 0;
  /** Token requests that reached the service (authenticated), for tests. */
  requests = 0;
  /** Cache lookups that found a token, and those that did not: /metrics reports the hit ratio from them. */
  cacheHits = 0;
  cacheMisses = 0;

  constructor(
    private readonly server: ServerContext,
    options: WorkloadTokenOptions = {},
  ) {
    this.limiter = options.rateLimit === false ? undefined : new HostRateLimiter(options.rateLimit);
    this.useCache = options.cache !== false;
  }

  /** The host a credential (App Service's `X-IDENTITY-HEADER` / `Secret`) belongs to, if any. */
  hostFor(secret: string | undefined): Promise<string | undefined> {
    if (!secret) return Promise.resolve(undefined);
    return hostKeyForSecret(this.server.database.db, secret);
  }

  stateVersion(hostKey: string): Promise<string> {
    return hostStateVersion(this.server.database.db, hostKey);
  }

  async token(hostKey: string, resource: string, selector: IdentitySelector): Promise<TokenOutcome> {
    this.requests++;
    const admission = this.limiter?.admit(hostKey);
    if (admission && !admission.ok) {
      return { ok: false, status: 429, error: 'too_many_requests', description: 'Too many requests for this host; retry after the delay in Retry-After.', retryAfterSeconds: admission.retryAfterSeconds };
    }
    try {
      return await this.tokenAdmitted(hostKey, resource, selector);
    } finally {
      if (admission?.ok) admission.release();
    }
  }

  private async tokenAdmitted(hostKey: string, resource: string, selector: IdentitySelector): Promise<TokenOutcome> {
    const db = this.server.database.db;
    const [host, version] = await Promise.all([loadHost(db, hostKey), hostStateVersion(db, hostKey)]);
    if (!host) {
      this.cache.clearHost(hostKey);
      return { ok: false, status: 401, error: 'invalid_request', description: 'The host of this identity header no longer exists.' };
    }
    const selection = selectIdentity(host, selector);
    if (!selection.ok) return { ok: false, status: 400, error: 'invalid_request', description: selection.description };
    const identity = selection.identity;
    if (this.useCache) {
      const hit = this.cache.get(hostKey, version, identity.principalId, resource, identity.revokedBefore);
      if (hit) {
        this.cacheHits++;
        return { ok: true, token: hit, identity, cached: true };
      }
      this.cacheMisses++;
    }
    const token = this.sign(host, identity, resource);
    if (this.useCache) this.cache.set(hostKey, version, identity.principalId, resource, token);
    return { ok: true, token, identity, cached: false };
  }

  /** Signs a token for an identity of a host (no cache, no lookup): the issuance the benchmark measures. */
  sign(host: HostRecord, identity: HostIdentity, resource: string): CachedToken {
    const issuedAtMs = Date.now();
    const issued = this.server.issuer.issueWorkload(
      {
        tenantId: host.tenantId,
        principalId: identity.principalId,
        clientId: identity.clientId,
        managedIdentityResourceId: identity.kind === 'SystemAssigned' ? host.hostId : identity.resourceId,
        hostResourceId: identity.kind === 'UserAssigned' ? host.hostId : undefined,
      },
      resource,
    );
    this.signatures++;
    return { accessToken: issued.accessToken, expiresOn: issued.expiresOn, notBefore: issued.notBefore, issuedAtMs, clientId: identity.clientId };
  }
}
