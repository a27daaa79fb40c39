/**
 * The agent's token cache: one entry per (selector, resource), kept until 5 minutes before the token expires, as
 * Azure's IMDS does. A generation counter guards against a fetch that started before a clear (revocation, identity
 * change) filling the cache with a token that must no longer be served.
 */

export interface CachedToken {
  /** The upstream answer (App Service shape), strings as received. */
  upstream: Record<string, unknown>;
  /** Epoch seconds. */
  expiresOn: number;
  notBefore: number;
  /** The IMDS body, rebuilt at most once a second (expires_in counts down). */
  body?: string;
  bodyBytes?: Buffer;
  bodyLength?: string;
  bodySecond?: number;
}

/** Tokens this close to expiry are fetched again (Azure refreshes its cache 5 minutes ahead). */
export const REFRESH_MARGIN_SECONDS = 300;

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private gen = 0;

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowSeconds: number): CachedToken | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresOn - REFRESH_MARGIN_SECONDS <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Stores `entry` unless the cache was cleared since `generation` was read; returns whether it was stored. */
  set(key: string, entry: CachedToken, generation: number, nowSeconds: number): boolean {
    if (generation !== this.gen) return false;
    if (entry.expiresOn - REFRESH_MARGIN_SECONDS <= nowSeconds) return false;
    this.entries.set(key, entry);
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.gen++;
  }

  /** Any cached token, for questions every token answers (the tenant). */
  any(): CachedToken | undefined {
    for (const e of this.entries.values()) return e;
    return undefined;
  }
}
