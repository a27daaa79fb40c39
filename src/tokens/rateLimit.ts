export interface RateLimitOptions {
  /** Requests a second a host may make on average (Azure: 20). */
  ratePerSecond: number;
  /** Requests a host may make at once after being idle (the bucket size). */
  burst: number;
  /** Requests of one host being answered at the same time (Azure: 5). */
  maxConcurrent: number;
}

export const AZURE_RATE_LIMIT: RateLimitOptions = { ratePerSecond: 20, burst: 20, maxConcurrent: 5 };

export type Admission = { ok: true; release(): void } | { ok: false; retryAfterSeconds: number };

/** Per-host throttling like Azure's managed identity endpoints: a token bucket and a cap on concurrent requests. */
export class HostRateLimiter {
  private readonly hosts = new Map<string, { tokens: number; at: number; inFlight: number }>();

  constructor(private readonly options: RateLimitOptions = AZURE_RATE_LIMIT) {}

  admit(hostKey: string): Admission {
    const now = Date.now();
    let state = this.hosts.get(hostKey);
    if (!state) {
      if (this.hosts.size > 100_000) this.prune(now);
      state = { tokens: this.options.burst, at: now, inFlight: 0 };
      this.hosts.set(hostKey, state);
    }
    state.tokens = Math.min(this.options.burst, state.tokens + ((now - state.at) / 1000) * this.options.ratePerSecond);
    state.at = now;
    if (state.inFlight >= this.options.maxConcurrent) return { ok: false, retryAfterSeconds: 1 };
    if (state.tokens < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - state.tokens) / this.options.ratePerSecond)) };
    state.tokens -= 1;
    state.inFlight++;
    const s = state;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        s.inFlight--;
      },
    };
  }

  private prune(now: number): void {
    for (const [k, s] of this.hosts) if (s.inFlight === 0 && now - s.at > 10_000) this.hosts.delete(k);
  }
}
