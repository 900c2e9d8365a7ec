/**
 * Retries kafkajs errors the client marks retriable (NOT_COORDINATOR while __consumer_offsets is being created,
 * leader elections after a broker restart), which some admin calls surface instead of retrying themselves.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 8, firstDelayMs = 200): Promise<T> {
  let delay = firstDelayMs;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
