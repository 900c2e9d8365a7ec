import { describe, expect, it } from "vitest";
import { chunkByBytes, partitionBatches } from "./partition-batches.ts";

describe("partitionBatches", () => {
  it("keeps every batch under the byte budget and the statement cap, in order", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ i, size: 100 + (i % 7) * 300 }));
    const batches = partitionBatches(items, (x) => x.size, 4_096, 30);
    expect(batches.flat()).toEqual(items);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(30);
      if (b.length > 1) expect(b.reduce((n, x) => n + x.size, 0)).toBeLessThanOrEqual(4_096);
    }
  });

  it("sends an oversized statement alone and caps the count", () => {
    expect(partitionBatches([1, 10_000, 1], (x) => x, 4_096)).toEqual([[1], [10_000], [1]]);
    expect(
      partitionBatches(
        Array.from({ length: 65 }, () => 1),
        (x) => x,
        4_096,
        30,
      ).map((b) => b.length),
    ).toEqual([30, 30, 5]);
    expect(partitionBatches([], (x: number) => x)).toEqual([]);
  });

  it("chunks keys by bytes", () => {
    const keys = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify(["txs_by_address", [`0x${i}`, 1, 2, 3]]),
    );
    const chunks = chunkByBytes(keys, 1_000);
    expect(chunks.flat()).toEqual(keys);
    for (const c of chunks) expect(c.join(",").length).toBeLessThanOrEqual(1_000);
  });
});
