/**
 * Token buckets keyed by API key or client IP: `burst` tokens at most, refilled at `perSecond`. The map is
 * bounded (least recently seen keys are dropped first), so a flood of distinct IPs cannot grow memory.
 */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface TokenBuckets {
  /** 0 when allowed; otherwise the seconds to wait before one token is back. */
  take(key: string, now?: number): number;
  size(): number;
}

export function createTokenBuckets(limit: RateLimit, maxKeys = 100_000): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now = Date.now()) {
      if (limit.perSecond <= 0) return 0;
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
        bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
        bucket.at = now;
      } else {
        bucket = { tokens: limit.burst, at: now };
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    },
    size: () => buckets.size,
  };
}
