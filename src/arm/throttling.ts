/** ARM's request categories: GET and HEAD are reads, PUT, PATCH and POST writes, DELETE deletes. */
export type ThrottleCategory = 'reads' | 'writes' | 'deletes';

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

export type ThrottleLimits = Record<ThrottleCategory, BucketLimit>;

/** Azure Resource Manager's buckets per subscription (or tenant) and principal, as documented for its regional instances. */
export const AZURE_THROTTLE_LIMITS: ThrottleLimits = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

export type Admission = { ok: true; remaining: number } | { ok: false; remaining: 0; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_BUCKETS = 100_000;

export function categoryOf(method: string): ThrottleCategory {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') return 'reads';
  if (m === 'DELETE') return 'deletes';
  return 'writes';
}

/**
 * Token buckets per (subscription or tenant, principal, category), as ARM keeps them. With several nodes behind a load
 * balancer each node holds `1/nodes` of every bucket (burst and refill), so the cluster as a whole allows about the
 * configured figures without a database round trip per request: exact when the balancer spreads a caller's requests
 * evenly, stricter when it pins a caller to one node.
 */
export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private share = 1;

  constructor(
    readonly limits: ThrottleLimits = AZURE_THROTTLE_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly maxBuckets = DEFAULT_MAX_BUCKETS,
  ) {
    for (const [category, limit] of Object.entries(limits)) {
      if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new Error(`throttling limit for ${category} must have burst >= 1 and perSecond > 0`);
    }
  }

  /** How many live nodes share the limits (from the heartbeat table); at least 1. */
  get nodes(): number {
    return this.share;
  }

  setNodes(n: number): void {
    this.share = Math.max(1, Math.floor(n) || 1);
  }

  admit(scope: string, principalId: string, category: ThrottleCategory): Admission {
    const limit = this.limits[category];
    const burst = Math.max(1, limit.burst / this.share);
    const rate = limit.perSecond / this.share;
    const key = `${category}\n${scope}\n${principalId}`;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      // Most recently used last: the oldest (idle, so full again) bucket is the one dropped when the map is full.
      this.buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: burst, at: now };
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return { ok: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    bucket.tokens -= 1;
    return { ok: true, remaining: Math.floor(bucket.tokens) };
  }
}
