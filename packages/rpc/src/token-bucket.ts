import { setTimeout as sleep } from "node:timers/promises";
/**
 * A per-endpoint request-rate limit that adapts: a 429 halves the rate, each second without one gives back 5 %
 * of the configured ceiling (AIMD), so we settle just under what the provider tolerates.
 */
export interface TokenBucket {
  /** Resolves when `cost` requests may be sent. */
  take(cost: number): Promise<void>;
  onRateLimited(): void;
  readonly rate: number;
}

export function createTokenBucket(maxRps: number | undefined, now: () => number = Date.now): TokenBucket {
  const ceiling = maxRps ?? Number.POSITIVE_INFINITY;
  let rate = ceiling;
  let tokens = Number.isFinite(rate) ? rate : 0;
  let last = now();
  let lastLimited = 0;
  // Calls sent in the current second, to find a starting rate when no ceiling was configured.
  let windowStart = now();
  let windowCalls = 0;
  let lastWindowCalls = 0;

  const refill = () => {
    const t = now();
    if (Number.isFinite(ceiling) || Number.isFinite(rate)) {
      if (t - lastLimited > 1000 && rate < ceiling) {
        const step = Number.isFinite(ceiling) ? ceiling * 0.05 : Math.max(1, rate * 0.05);
        rate = Math.min(ceiling, rate + (step * (t - last)) / 1000);
      }
      tokens = Math.min(Math.max(rate, 1), tokens + (rate * (t - last)) / 1000);
    }
    last = t;
    if (t - windowStart >= 1000) {
      lastWindowCalls = windowCalls;
      windowCalls = 0;
      windowStart = t;
    }
  };

  return {
    get rate() {
      return rate;
    },
    async take(cost) {
      for (;;) {
        refill();
        if (!Number.isFinite(rate)) break;
        // A batch larger than a whole second's budget is let through once the bucket is full.
        const need = Math.min(cost, Math.max(rate, 1));
        if (tokens >= need) {
          tokens -= need;
          break;
        }
        await sleep(Math.max(5, ((need - tokens) / rate) * 1000));
      }
      windowCalls += cost;
    },
    onRateLimited() {
      refill();
      const observed = Math.max(lastWindowCalls, windowCalls, 2);
      rate = Math.max(1, (Number.isFinite(rate) ? rate : observed) / 2);
      tokens = Math.min(tokens, rate);
      lastLimited = now();
    },
  };
}
