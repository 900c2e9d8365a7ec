import { describe, expect, it } from "vitest";
import { createAimd } from "./aimd.ts";

describe("createAimd", () => {
  it("grows additively on fast answers and halves on errors or slow ones", () => {
    const aimd = createAimd({ min: 1, max: 8, initial: 2, slowMs: 1000 });
    for (let i = 0; i < 100; i++) aimd.onSuccess(10);
    expect(aimd.limit).toBe(8);
    aimd.onError();
    expect(aimd.limit).toBe(4);
    aimd.onSuccess(5000);
    expect(aimd.limit).toBe(2);
    for (let i = 0; i < 10; i++) aimd.onError();
    expect(aimd.limit).toBe(1);
  });

  it("doubles per round trip until the first congestion signal, then grows by one per round trip", () => {
    const aimd = createAimd({ min: 1, max: 64, initial: 4, slowMs: 1000 });
    // one round trip = `limit` answers
    const roundTrip = () => {
      for (let i = aimd.limit; i > 0; i--) aimd.onSuccess(10);
    };
    roundTrip();
    expect(aimd.limit).toBe(8);
    roundTrip();
    expect(aimd.limit).toBe(16);
    aimd.onError();
    expect(aimd.limit).toBe(8);
    roundTrip();
    expect(aimd.limit).toBe(9);
    roundTrip();
    expect(aimd.limit).toBe(10);
  });
});
