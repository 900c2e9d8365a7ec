import type { Block } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { blockSeries, compact, dailySeries } from "./series.ts";

const block = (number: number, timestamp: number, txs: number, gasUsed: string, baseFee: string | null) =>
  ({ number, timestamp, transactionCount: txs, gasUsed, baseFeePerGas: baseFee }) as Block;

describe("blockSeries", () => {
  it("derives per-second rates from direct parents only, oldest first", () => {
    const s = blockSeries([
      block(12, 124, 10, "300", "2000000000"),
      block(10, 100, 4, "100", "1000000000"),
      block(11, 112, 6, "200", null),
    ]);
    expect(s.txPerSecond).toEqual([
      { x: 11, y: 0.5 },
      { x: 12, y: 10 / 12 },
    ]);
    expect(s.gasUsed.map((p) => p.y)).toEqual([100, 200, 300]);
    expect(s.baseFeeGwei).toEqual([
      { x: 10, y: 1 },
      { x: 12, y: 2 },
    ]);
  });
  it("skips gaps and same-second blocks do not divide by zero", () => {
    const s = blockSeries([block(1, 5, 3, "0", null), block(3, 9, 3, "0", null), block(4, 9, 8, "0", null)]);
    expect(s.txPerSecond).toEqual([{ x: 4, y: 8 }]);
  });
});

describe("compact", () => {
  it("shortens large numbers", () => {
    expect(compact(1_234_567)).toBe("1.2M");
    expect(compact(2500)).toBe("2.5k");
    expect(compact(42)).toBe("42");
    expect(compact(0.123)).toBe("0.12");
    expect(compact(0)).toBe("0");
  });
});

describe("dailySeries", () => {
  it("orders days and spaces them by date, with fees in ETH", () => {
    const day = (d: string, transactions: number, fees: string) => ({
      chainId: 31337,
      day: d,
      blocks: 1,
      transactions,
      gasUsed: "21000",
      fees,
      activeAddresses: transactions * 2,
      transfersPerToken: {},
    });
    const s = dailySeries([day("2026-01-03", 5, "1500000000000000000"), day("2026-01-01", 2, "0")]);
    expect(s.transactions.map((p) => p.y)).toEqual([2, 5]);
    expect(s.transactions[1]!.x - s.transactions[0]!.x).toBe(2);
    expect(s.activeAddresses.map((p) => p.y)).toEqual([4, 10]);
    expect(s.feesEth.map((p) => p.y)).toEqual([0, 1.5]);
  });
});
