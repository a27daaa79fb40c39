/** A workload token as the endpoints hand it out, kept to be handed out again. */
export interface CachedToken {
  accessToken: string;
  /** Epoch seconds. */
  expiresOn: number;
  notBefore: number;
  /** When it was signed (ms): a token signed before the identity's revocation is never served again. */
  issuedAtMs: number;
  clientId: string;
}

const REFRESH_BEFORE_EXPIRY_SECONDS = 300;
const DEFAULT_LIMIT = 100_000;

/**
 * The server's token cache, as Azure keeps one behind IMDS and App Service: per host, per (identity, resource), until
 * five minutes before expiry (half the lifetime for tokens shorter than ten minutes). A host's entries go as soon as
 * its state version changes (revocation, unassignment, identity or host deletion, new credential), and an entry signed
 * before its identity's `revokedBefore` is never served.
 */
export class WorkloadTokenCache {
  private readonly hosts = new Map<string, { version: string; tokens: Map<string, CachedToken> }>();
  private size = 0;

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  get(hostKey: string, version: string, principalId: string, resource: string, revokedBefore: number): CachedToken | undefined {
    const host = this.hosts.get(hostKey);
    if (!host) return undefined;
    if (host.version !== version) {
      this.clearHost(hostKey);
      return undefined;
    }
    const key = cacheKey(principalId, resource);
    const token = host.tokens.get(key);
    if (!token) return undefined;
    const lifetime = token.expiresOn - token.notBefore;
    const refreshAt = token.expiresOn - Math.min(REFRESH_BEFORE_EXPIRY_SECONDS, lifetime / 2);
    if (Date.now() / 1000 >= refreshAt || token.issuedAtMs < revokedBefore) {
      host.tokens.delete(key);
      this.size--;
      return undefined;
    }
    return token;
  }

  set(hostKey: string, version: string, principalId: string, resource: string, token: CachedToken): void {
    let host = this.hosts.get(hostKey);
    if (host && host.version !== version) {
      this.clearHost(hostKey);
      host = undefined;
    }
    if (!host) {
      host = { version, tokens: new Map() };
      this.hosts.set(hostKey, host);
    }
    if (this.size >= this.limit) this.evictOne();
    const key = cacheKey(principalId, resource);
    if (!host.tokens.has(key)) this.size++;
    host.tokens.set(key, token);
  }

  clearHost(hostKey: string): void {
    const host = this.hosts.get(hostKey);
    if (!host) return;
    this.size -= host.tokens.size;
    this.hosts.delete(hostKey);
  }

  clear(): void {
    this.hosts.clear();
    this.size = 0;
  }

  get entries(): number {
    return this.size;
  }

  private evictOne(): void {
    for (const [hostKey, host] of this.hosts) {
      const first = host.tokens.keys().next();
      if (!first.done) {
        host.tokens.delete(first.value);
        this.size--;
      }
      if (!host.tokens.size) this.hosts.delete(hostKey);
      return;
    }
  }
}

function cacheKey(principalId: string, resource: string): string {
  return `${principalId.toLowerCase()}\n${resource}`;
}
