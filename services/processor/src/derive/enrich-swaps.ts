import type { DecodedSwap } from "@chainlog/decoders";
import type { Swap } from "@chainlog/tx-schema";
import { type PoolInfo, priceFromSqrtPriceX96 } from "./dex-prices.ts";

/** Pool tokens as read from the node, with their decimals when the tokens answered decimals(). */
export interface SwapPool {
  token0: string;
  token1: string;
  decimals0: number | null;
  decimals1: number | null;
}

const SCALE = 10n ** 36n;

/** Price of token0 in token1 units from the amounts a V2 swap exchanged; null when either is zero. */
export function priceFromAmounts(
  amount0: bigint,
  amount1: bigint,
  decimals0: number,
  decimals1: number,
): number | null {
  const a0 = amount0 < 0n ? -amount0 : amount0;
  const a1 = amount1 < 0n ? -amount1 : amount1;
  if (a0 === 0n || a1 === 0n) return null;
  const price = (Number((a1 * SCALE) / a0) / 1e36) * 10 ** (decimals0 - decimals1);
  return Number.isFinite(price) && price > 0 ? price : null;
}

/**
 * tx-schema Swaps from decoded ones: who sent the transaction, the pool's tokens (null when the pool could not be
 * read) and the price, V3 from sqrtPriceX96 after the swap, V2 from the amounts (null without both decimals).
 */
export function enrichSwaps(
  swaps: readonly DecodedSwap[],
  transactionFrom: ReadonlyMap<string, string>,
  pools: ReadonlyMap<string, SwapPool | null>,
): Swap[] {
  return swaps.map((s) => {
    const pool = pools.get(s.pool) ?? null;
    let price: number | null = null;
    if (pool && pool.decimals0 !== null && pool.decimals1 !== null) {
      price =
        s.sqrtPriceX96 !== null
          ? priceFromSqrtPriceX96(BigInt(s.sqrtPriceX96), pool.decimals0, pool.decimals1)
          : priceFromAmounts(BigInt(s.amount0), BigInt(s.amount1), pool.decimals0, pool.decimals1);
      if (price !== null && (!Number.isFinite(price) || price <= 0)) price = null;
    }
    return {
      ...s,
      transactionFrom: transactionFrom.get(s.transactionHash) ?? s.sender,
      token0: pool?.token0 ?? null,
      token1: pool?.token1 ?? null,
      price,
    };
  });
}

/** The pools whose both decimals are known, in the shape derivePrices takes. */
export function pricedPools(pools: ReadonlyMap<string, SwapPool | null>): Map<string, PoolInfo> {
  const out = new Map<string, PoolInfo>();
  for (const [address, p] of pools)
    if (p && p.decimals0 !== null && p.decimals1 !== null)
      out.set(address, {
        token0: p.token0,
        token1: p.token1,
        decimals0: p.decimals0,
        decimals1: p.decimals1,
      });
  return out;
}
