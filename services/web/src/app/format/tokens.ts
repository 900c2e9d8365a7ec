import type { Swap, TokenMap, TokenMetadata } from "../api/routes.ts";
import { formatUnits, groupThousands, shortHex } from "./units.ts";

/**
 * tx-schema's NATIVE_ASSET, repeated here because importing a value from tx-schema would pull zod into the
 * bundle; a unit test keeps the two equal.
 */
export const NATIVE_ASSET = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

const NATIVE: Pick<TokenMetadata, "symbol" | "name" | "decimals"> = {
  symbol: "ETH",
  name: "Ether",
  decimals: 18,
};

/** What to call a token: its symbol, else its short address (a missing symbol is better than a wrong one). */
export function tokenLabel(address: string, token?: Pick<TokenMetadata, "symbol"> | null): string {
  if (address === NATIVE_ASSET) return "ETH";
  const symbol = token?.symbol?.trim();
  return symbol ? symbol : shortHex(address, 4);
}

export function tokenIn(tokens: TokenMap | undefined, address: string) {
  return address === NATIVE_ASSET ? NATIVE : tokens?.[address.toLowerCase()];
}

/**
 * A raw token amount for reading: decimals applied and thousands grouped when the decimals are known (exact,
 * bigint math), else the base units as they are, flagged so nobody mistakes 10^18 base units for 10^18 tokens.
 */
export function formatTokenAmount(
  raw: string | bigint,
  decimals: number | null | undefined,
  symbol?: string | null,
  /** Significant fraction digits to keep (see trimDecimal); exact when absent. */
  digits?: number,
): string {
  const value = typeof raw === "bigint" ? raw : BigInt(raw);
  if (decimals === null || decimals === undefined) {
    const base = groupThousands(value.toString());
    return symbol ? `${base} ${symbol} (base units)` : `${base} (base units)`;
  }
  const exact = groupThousands(formatUnits(value, decimals));
  const text = digits === undefined ? exact : trimDecimal(exact, digits);
  return symbol ? `${text} ${symbol}` : text;
}

/**
 * Shortens an exact decimal string to `digits` significant fraction digits (truncating, never rounding up), so a
 * table of balances stays readable; the exact figure goes in a title.
 */
export function trimDecimal(decimal: string, digits = 6): string {
  const [whole = "0", fraction] = decimal.split(".");
  if (!fraction) return decimal;
  const wholeIsZero = /^-?0$/.test(whole.replace(/,/g, ""));
  // For amounts below 1 keep `digits` significant digits after the leading zeros.
  const lead = wholeIsZero ? (fraction.match(/^0*/)?.[0].length ?? 0) : 0;
  const kept = fraction.slice(0, lead + digits).replace(/0+$/, "");
  return kept ? `${whole}.${kept}` : whole;
}

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** US dollars with cents; "< $0.01" for dust, "—" when there is no price. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value !== 0 && Math.abs(value) < 0.01) return value < 0 ? "> -$0.01" : "< $0.01";
  return usd.format(value);
}

/** A ratio for reading: four significant digits below 1 (0.0001234), four decimals above, grouped from 1000. */
export function formatRatio(value: number): string {
  let text: string;
  if (value >= 1000) text = groupThousands(value.toFixed(2));
  else if (value >= 1) text = value.toFixed(4).replace(/\.?0+$/, "");
  else text = value.toPrecision(4).replace(/\.?0+$/, "");
  // toPrecision may answer in exponent form for tiny values; spell it out, people do not read 1.2e-9.
  if (text.includes("e")) text = value.toFixed(20).replace(/0+$/, "");
  return text;
}

/** A unit price in USD or ETH; "—" when there is none. */
export function formatPrice(price: number | null | undefined, quote: "USD" | "ETH"): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return "—";
  const text = formatRatio(price);
  return quote === "USD" ? `$${text}` : `${text} ETH`;
}

export interface SwapSides {
  tokenIn: string | null;
  tokenOut: string | null;
  amountIn: string;
  amountOut: string;
}

/**
 * Which token was sold and which bought, from the pool's signed amounts (positive = paid into the pool = in).
 * A V2 pair may see both amounts positive on a "flash" swap; then the larger relative input is not knowable, so
 * token0 counts as in. Amounts come back unsigned.
 */
export function swapSides(swap: Pick<Swap, "token0" | "token1" | "amount0" | "amount1">): SwapSides {
  const a0 = BigInt(swap.amount0);
  const a1 = BigInt(swap.amount1);
  const zeroIn = a0 > 0n || (a0 === 0n && a1 < 0n);
  const abs = (v: bigint) => (v < 0n ? -v : v).toString();
  return zeroIn
    ? { tokenIn: swap.token0, tokenOut: swap.token1, amountIn: abs(a0), amountOut: abs(a1) }
    : { tokenIn: swap.token1, tokenOut: swap.token0, amountIn: abs(a1), amountOut: abs(a0) };
}
