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
});
