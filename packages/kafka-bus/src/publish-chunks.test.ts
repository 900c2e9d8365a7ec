import { describe, expect, it } from "vitest";
import { chunkByBytes, messageBytes } from "./publish-chunks.ts";

const msg = (key: string, size: number) => ({ key, value: Buffer.alloc(size, 1), headers: { h: "v" } });

describe("chunkByBytes", () => {
  it("keeps order and stays under the budget, except a lone oversized message", () => {
    const messages = [msg("a", 400), msg("b", 400), msg("c", 5000), msg("d", 100), msg("e", 100)]; // ~470 B each with overhead
    const chunks = chunkByBytes(messages, 1000);
    expect(chunks.flat().map((m) => m.key)).toEqual(["a", "b", "c", "d", "e"]);
    expect(chunks.map((c) => c.map((m) => m.key))).toEqual([["a", "b"], ["c"], ["d", "e"]]);
    for (const c of chunks)
      if (c.length > 1) expect(c.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(1000);
  });

  it("returns nothing for nothing", () => {
    expect(chunkByBytes([])).toEqual([]);
  });
});
