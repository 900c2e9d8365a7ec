import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./token-bucket.ts";

describe("createTokenBucket", () => {
  it("halves the rate on 429 and climbs back towards the ceiling", async () => {
    let now = 0;
    const bucket = createTokenBucket(100, () => now);
    expect(bucket.rate).toBe(100);
    bucket.onRateLimited();
    expect(bucket.rate).toBe(50);
    bucket.onRateLimited();
    expect(bucket.rate).toBe(25);
    now += 1500;
    await bucket.take(1);
    expect(bucket.rate).toBeGreaterThan(25);
    now += 60_000;
    await bucket.take(1);
    expect(bucket.rate).toBe(100);
  });

  it("is unlimited without a ceiling until the endpoint throttles", async () => {
    const bucket = createTokenBucket(undefined);
    await bucket.take(10_000);
    expect(bucket.rate).toBe(Number.POSITIVE_INFINITY);
    bucket.onRateLimited();
    expect(Number.isFinite(bucket.rate)).toBe(true);
    expect(bucket.rate).toBeGreaterThanOrEqual(1);
  });

  it("makes callers wait when the budget is spent", async () => {
    const bucket = createTokenBucket(20);
    const started = performance.now();
    await bucket.take(20);
    await bucket.take(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });
});
