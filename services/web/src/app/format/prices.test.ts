import { describe, expect, it } from "vitest";
import type { PricePoint } from "../api/routes.ts";
import { priceSeries, seriesSpan } from "./prices.ts";

const point = (blockNumber: number, logIndex: number, price: number, timestamp: number): PricePoint => ({
  token: `0x${"01".repeat(20)}`,
  quote: "USD",
  price,
  pool: `0x${"02".repeat(20)}`,
  blockNumber,
  blockHash: `0x${"03".repeat(32)}`,
  timestamp,
  transactionHash: `0x${"04".repeat(32)}`,
  logIndex,
});

describe("priceSeries", () => {
  it("puts trades in chain order, one point each, even within a block", () => {
    const newestFirst = [point(9, 4, 3, 200), point(9, 1, 2, 200), point(7, 0, 1, 100)];
    expect(priceSeries(newestFirst)).toEqual([
      { x: 0, y: 1 },
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ]);
    expect(seriesSpan(newestFirst)).toEqual({ from: 100, to: 200 });
    expect(seriesSpan([])).toBeNull();
  });
});
