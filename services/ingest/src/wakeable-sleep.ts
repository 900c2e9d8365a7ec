/** Waits `ms`, or less when the signal aborts or the sleeper is woken. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * A sleep that a head signal (newHeads) can cut short: `wake` ends the sleep in progress, if any, so the head
 * loop polls at once instead of after its interval.
 */
export function createWakeableSleep(): { sleep: Sleep; wake(): void } {
  let wake: (() => void) | undefined;
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  return { sleep, wake: () => wake?.() };
}
