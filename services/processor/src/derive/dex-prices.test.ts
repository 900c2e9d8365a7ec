import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeLogs } from "@chainlog/decoders";
import { type Log, NATIVE_ASSET } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { derivePrices, priceFromReserves, priceFromSqrtPriceX96 } from "./dex-prices.ts";

const file = fileURLToPath(
  new URL(
    "../../../../../shared/fixtures/blockchain-etl__ethereum-etl/tests/resources/test_stream/blocks_17173049_17173050/expected_logs.json",
    import.meta.url,
  ),
);
const logs: Log[] = readFileSync(file, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .map((r) => ({
    blockNumber: Number(r.block_number),
    blockHash: String(r.block_hash),
    transactionHash: String(r.transaction_hash),
    transactionIndex: Number(r.transaction_index),
    logIndex: Number(r.log_index),
    address: String(r.address),
    topics: r.topics as string[],
    data: String(r.data),
  }));

// Mainnet facts (Etherscan): Uniswap V2 WETH/USDT pair and V3 USDC/USDT 0.01% pool, their tokens and decimals.
const WETH = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
const USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7";
const USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const pools = new Map([
  ["0x0d4a11d5eeaac28ec3f61d100daf4d40471f1852", { token0: WETH, token1: USDT, decimals0: 18, decimals1: 6 }],
  ["0x3416cf6c708da44db2624d63ea0aaef7113527c6", { token0: USDC, token1: USDT, decimals0: 6, decimals1: 6 }],
]);

describe("derivePrices on mainnet blocks 17,173,049–17,173,050 (2 May 2023)", () => {
  const { swaps, syncs } = decodeLogs(logs);
  const timestamp = 1_683_000_000;
  const points = derivePrices({
    swaps,
    syncs,
    pools,
    weth: WETH,
    stablecoins: new Set([USDT, USDC]),
    timestamp,
  });

  it("prices ETH in USD from the V2 WETH/USDT reserves (about $1,870 that day)", () => {
    const eth = points.filter((p) => p.token === WETH && p.quote === "USD");
    expect(eth.length).toBeGreaterThan(0);
    for (const p of eth) expect(p.price).toBeGreaterThan(1_800);
    for (const p of eth) expect(p.price).toBeLessThan(1_950);
    // USDT in ETH is the inverse.
    const usdtInEth = points.find((p) => p.token === USDT && p.quote === "ETH");
    expect((usdtInEth?.price ?? 0) * (eth[0]?.price ?? 0)).toBeCloseTo(1, 9);
    // ETH itself carries the same USD series under the native-asset address, stamped with the block's time.
    const native = points.filter((p) => p.token === NATIVE_ASSET);
    expect(native.map((p) => [p.price, p.logIndex])).toEqual(eth.map((p) => [p.price, p.logIndex]));
    expect(native.every((p) => p.quote === "USD" && p.timestamp === timestamp)).toBe(true);
  });

  it("prices USDC against USDT from the V3 pool's sqrtPriceX96 (a stable pair, within 0.1% of 1)", () => {
    const usdc = points.filter(
      (p) => p.token === USDC && p.pool === "0x3416cf6c708da44db2624d63ea0aaef7113527c6",
    );
    expect(usdc.length).toBe(1);
    expect(Math.abs((usdc[0]?.price ?? 0) - 1)).toBeLessThan(0.001);
  });

  it("skips pools it does not know", () => {
    expect(new Set(points.map((p) => p.pool))).toEqual(new Set(pools.keys()));
  });
});

describe("price math", () => {
  it("sqrtPriceX96 of 2^96 is 1 at equal decimals, and scales by decimals", () => {
    expect(priceFromSqrtPriceX96(2n ** 96n, 18, 18)).toBe(1);
    expect(priceFromSqrtPriceX96(2n ** 96n, 18, 6)).toBe(1e12);
    expect(priceFromSqrtPriceX96(2n * 2n ** 96n, 6, 6)).toBe(4);
  });
  it("reserves give token1 per token0", () => {
    expect(priceFromReserves(10n ** 18n, 1_870n * 10n ** 6n, 18, 6)).toBeCloseTo(1870, 9);
    expect(priceFromReserves(0n, 5n, 18, 18)).toBeNaN();
  });
});
