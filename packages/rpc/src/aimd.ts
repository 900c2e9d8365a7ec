/**
 * Additive-increase / multiplicative-decrease concurrency: one more request in flight after each fast success,
 * half as many after an error or a slow answer, so we find and hold the node's sweet spot without a knob.
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
  return {
    get limit() {
      return Math.floor(limit);
    },
    onSuccess(latencyMs) {
      if (latencyMs > slowMs) limit = Math.max(min, limit / 2);
      // Fractional growth: about +1 per `limit` successes, i.e. one step per round trip of the window.
      else limit = Math.min(max, limit + 1 / Math.max(1, Math.floor(limit)));
    },
    onError() {
      limit = Math.max(min, limit / 2);
    },
  };
}
