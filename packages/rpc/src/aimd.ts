/**
 * Additive-increase / multiplicative-decrease concurrency: one more request in flight after each fast success,
 * half as many after an error or a slow answer, so we find and hold the node's sweet spot without a knob.
 * Until the first error or slow answer it grows like TCP's slow start (+1 per success, so the window doubles
 * every round trip): a backfill reaches a healthy node's limit within a few batches instead of ~40 round trips.
 */
export interface Aimd {
  readonly limit: number;
  onSuccess(latencyMs: number): void;
  onError(): void;
}

export function createAimd(
  options: { min?: number; max?: number; initial?: number; slowMs?: number } = {},
): Aimd {
  const min = options.min ?? 1;
  const max = options.max ?? 16;
  const slowMs = options.slowMs ?? 5000;
  let limit = Math.min(max, Math.max(min, options.initial ?? 4));
  let slowStart = true;
  let successes = 0;
  const decrease = () => {
    slowStart = false;
    successes = 0;
    limit = Math.max(min, limit / 2);
  };
  return {
    get limit() {
      return Math.floor(limit);
    },
    onSuccess(latencyMs) {
      if (latencyMs > slowMs) decrease();
      else if (slowStart) limit = Math.min(max, limit + 1);
      // +1 per `limit` successes, i.e. one step per round trip of the window (counted, not summed as 1/limit
      // fractions, which fall short of the next integer by rounding)
      else if (++successes >= Math.floor(limit)) {
        successes = 0;
        limit = Math.min(max, Math.floor(limit) + 1);
      }
    },
    onError: decrease,
  };
}
