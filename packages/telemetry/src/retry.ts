import { setTimeout as timeout } from "node:timers/promises";

/** Waits `ms`, or less: it resolves (never rejects) as soon as the signal aborts, so a loop can wind down. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await timeout(ms, undefined, signal ? { signal } : {}).catch(() => {});
}

export interface BackoffParameters {
  /** The wait after the first failure; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** "Full jitter": a uniform draw below the doubled delay, so racing processes do not retry in lockstep. */
  jitter?: boolean;
}

/** The wait after failed try `attempt` (0 for the first try). */
export function backoffMs(attempt: number, p: BackoffParameters): number {
  const ms = Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** attempt);
  return p.jitter ? Math.round(Math.random() * ms) : ms;
}

export interface RetryOptions extends BackoffParameters {
  /** Tries in all, the first one included; unbounded when absent. */
  attempts?: number;
  /** Whether this failure may be tried again; any other is thrown at once. Every failure when absent. */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** Runs before each wait: where the call site logs, counts or reports why it waits. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Once it aborts, no further try: a wait in progress ends early and the last failure is thrown. */
  signal?: AbortSignal;
  /** The wait itself, for call sites whose sleep can also be woken (or is faked in tests). */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Runs `fn` until it succeeds, with exponential backoff between tries. The call site keeps the policy (how many
 * tries, which errors are worth another one, what it logs); this only keeps the loop the same everywhere.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const exhausted = o.attempts !== undefined && attempt + 1 >= o.attempts;
      if (exhausted || o.signal?.aborted || !(o.retryable?.(error, attempt) ?? true)) throw error;
      const delayMs = backoffMs(attempt, o);
      o.onRetry?.(error, attempt, delayMs);
      await (o.sleep ? o.sleep(delayMs, o.signal) : sleep(delayMs, o.signal));
      if (o.signal?.aborted) throw error;
    }
  }
}
