import { describe, expect, it } from "vitest";
import { murmur2, partitionOf } from "./murmur2.ts";

describe("murmur2", () => {
  it("matches the values Kafka's own tests pin for Utils.murmur2", () => {
    const cases: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it("puts a key in one stable partition in range", () => {
    for (let i = 0; i < 200; i++) {
      const p = partitionOf(`1:${i}`, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionOf(`1:${i}`, 7)).toBe(p);
    }
  });
});
