import { waitUntil } from "@chainlog/engines/wait-until";

/** Polls until fn gives a truthy value, and returns it; the last error is kept for the timeout message. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  let value: T | undefined | null | false;
  await waitUntil(
    async () => {
      value = await fn();
      return Boolean(value);
    },
    { what, timeoutMs, intervalMs },
  );
  return value as T;
}
