import { describe, expect, it } from "vitest";
import { backoffMs, retry, sleep } from "./retry.ts";

/** Fails `failures` times with `error`, then answers "ok"; counts its calls. */
function flaky(failures: number, error: unknown = new Error("down")) {
  const fn = async () => {
    fn.calls++;
    if (fn.calls <= failures) throw error;
    return "ok";
  };
  fn.calls = 0;
  return fn;
}

describe("backoffMs", () => {
  it("doubles from the first delay up to the cap", () => {
    const p = { firstDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffMs(a, p))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("with jitter, draws at most the doubled delay", () => {
    const p = { firstDelayMs: 100, maxDelayMs: 1000, jitter: true };
    const draws = Array.from({ length: 200 }, () => backoffMs(3, p));
    expect(Math.max(...draws)).toBeLessThanOrEqual(800);
    expect(new Set(draws).size).toBeGreaterThan(1);
  });
});

describe("retry", () => {
  const fast = { firstDelayMs: 1, maxDelayMs: 4 };

  it("tries again until the call succeeds, reporting each wait", async () => {
    const fn = flaky(3);
    const waits: [number, number][] = [];
    const out = await retry(fn, { ...fast, onRetry: (_e, attempt, ms) => waits.push([attempt, ms]) });
    expect(out).toBe("ok");
    expect(fn.calls).toBe(4);
    expect(waits).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
  });

  it("gives up after `attempts` tries with the last error", async () => {
    const fn = flaky(10);
    await expect(retry(fn, { ...fast, attempts: 3 })).rejects.toThrow("down");
    expect(fn.calls).toBe(3);
  });

  it("throws at once what the call site does not deem retryable", async () => {
    const fn = flaky(10, new Error("bad request"));
    const retryable = (e: unknown) => (e as Error).message !== "bad request";
    await expect(retry(fn, { ...fast, retryable })).rejects.toThrow("bad request");
    expect(fn.calls).toBe(1);
  });

  it("stops waiting once the signal aborts", async () => {
    const ac = new AbortController();
    const fn = flaky(10);
    const started = Date.now();
    const run = retry(fn, { firstDelayMs: 60_000, maxDelayMs: 60_000, signal: ac.signal });
    await sleep(20);
    ac.abort();
    await expect(run).rejects.toThrow("down");
    // the wait is cut short and no try follows it
    expect(fn.calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("waits with the call site's sleep when given one", async () => {
    const slept: number[] = [];
    const fn = flaky(2);
    await retry(fn, {
      firstDelayMs: 50,
      maxDelayMs: 75,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([50, 75]);
  });
});

describe("sleep", () => {
  it("resolves early, without throwing, when the signal aborts", async () => {
    const started = Date.now();
    await sleep(60_000, AbortSignal.timeout(20));
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
