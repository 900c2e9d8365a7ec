import { retry } from "@chainlog/telemetry";

/**
 * Retries kafkajs errors the client marks retriable (NOT_COORDINATOR while __consumer_offsets is being created,
 * leader elections after a broker restart), which some admin calls surface instead of retrying themselves.
 */
export function withRetry<T>(fn: () => Promise<T>, attempts = 8, firstDelayMs = 200): Promise<T> {
  return retry(fn, {
    attempts,
    firstDelayMs,
    maxDelayMs: 5_000,
    retryable: (error) => (error as { retriable?: boolean }).retriable === true,
  });
}
