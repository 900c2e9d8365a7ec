import type { DecodedSwap, PairSync } from "@chainlog/decoders";
import { NATIVE_ASSET, type PricePoint } from "@chainlog/tx-schema";

export interface PoolInfo {
  token0: string;
  token1: string;
  decimals0: number;
  decimals1: number;
}

export interface DerivePricesParameters {
  swaps: readonly DecodedSwap[];
  syncs: readonly PairSync[];
  /** Timestamp of the block the events are in: the series' time axis. */
  timestamp: number;
  pools: ReadonlyMap<string, PoolInfo>;
  /** The chain's wrapped ether (mainnet 0xc02a…6cc2). */
  weth: string;
  /** Stablecoins taken as 1 USD (e.g. USDC, USDT, DAI). */
  stablecoins: ReadonlySet<string>;
}

const Q96 = 2n ** 96n;
/** Fixed-point scale for bigint ratios before the final float conversion (keeps ~18 significant digits). */
const SCALE = 10n ** 36n;

function ratio(num: bigint, den: bigint): number {
  if (den === 0n) return Number.NaN;
  return Number((num * SCALE) / den) / 1e36;
}

/** Price of token0 in token1 units from a V3 pool's sqrtPriceX96: (sqrtP / 2^96)^2 · 10^(dec0 − dec1). */
export function priceFromSqrtPriceX96(sqrtPriceX96: bigint, decimals0: number, decimals1: number): number {
  return ratio(sqrtPriceX96 * sqrtPriceX96, Q96 * Q96) * 10 ** (decimals0 - decimals1);
}

/** Price of token0 in token1 units from a V2 pair's reserves. */
export function priceFromReserves(
  reserve0: bigint,
  reserve1: bigint,
  decimals0: number,
  decimals1: number,
): number {
  return ratio(reserve1, reserve0) * 10 ** (decimals0 - decimals1);
}

/**
 * A price point for every V3 swap and V2 sync whose pool pairs a token with WETH or a stablecoin: that token's
 * price in ETH or USD after the event. WETH's USD price is also recorded under NATIVE_ASSET (ETH itself). Pools
 * not in `pools` (unknown tokens) and empty reserves are skipped.
 */
export function derivePrices(params: DerivePricesParameters): PricePoint[] {
  const weth = params.weth.toLowerCase();
  const out: PricePoint[] = [];
  const emit = (
    pool: string,
    info: PoolInfo,
    price0In1: number,
    event: { blockNumber: number; blockHash: string; transactionHash: string; logIndex: number },
  ) => {
    const at = {
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      timestamp: params.timestamp,
      transactionHash: event.transactionHash,
      logIndex: event.logIndex,
    };
    const push = (token: string, quote: PricePoint["quote"], price: number) => {
      if (!Number.isFinite(price) || price <= 0) return;
      out.push({ token, quote, price, pool, ...at });
      if (token === weth && quote === "USD") out.push({ token: NATIVE_ASSET, quote, price, pool, ...at });
    };
    const quoteOf = (t: string): PricePoint["quote"] | null =>
      params.stablecoins.has(t) ? "USD" : t === weth ? "ETH" : null;
    const q1 = quoteOf(info.token1);
    const q0 = quoteOf(info.token0);
    // token0 priced in token1's unit, and token1 in token0's unit (the inverse).
    if (info.token0 === info.token1) return;
    if (q1) push(info.token0, q1, price0In1);
    if (q0) push(info.token1, q0, 1 / price0In1);
  };
  for (const s of params.swaps) {
    if (s.protocol !== "uniswap-v3" || s.sqrtPriceX96 === null) continue;
    const info = params.pools.get(s.pool);
    if (info)
      emit(s.pool, info, priceFromSqrtPriceX96(BigInt(s.sqrtPriceX96), info.decimals0, info.decimals1), s);
  }
  for (const s of params.syncs) {
    const info = params.pools.get(s.pool);
    if (!info || s.reserve0 === "0" || s.reserve1 === "0") continue;
    emit(
      s.pool,
      info,
      priceFromReserves(BigInt(s.reserve0), BigInt(s.reserve1), info.decimals0, info.decimals1),
      s,
    );
  }
  return out;
}
