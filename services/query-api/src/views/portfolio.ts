import type { ReadModel } from "@chainlog/ports";
import {
  type BalanceSnapshot,
  type Holding,
  NATIVE_ASSET,
  type PortfolioResponse as Portfolio,
  type PricePoint,
  type TokenMetadata,
} from "@chainlog/tx-schema";
import { formatUnits } from "./units.ts";

const ETHER = { symbol: "ETH", name: "Ether", decimals: 18 };

/**
 * Values the newest balance snapshots. A token's USD price is its newest USD point, else its newest ETH point
 * times ETH's USD price (the newest USD point of NATIVE_ASSET). Pure, so the pricing rules are unit-tested.
 */
export function valuePortfolio(input: {
  address: string;
  balances: readonly BalanceSnapshot[];
  tokens: ReadonlyMap<string, TokenMetadata>;
  usd: ReadonlyMap<string, PricePoint>;
  eth: ReadonlyMap<string, PricePoint>;
}): Portfolio {
  const ethUsd = input.usd.get(NATIVE_ASSET)?.price ?? null;
  const holdings: Holding[] = [];
  for (const b of input.balances) {
    if (BigInt(b.balance) === 0n) continue;
    const native = b.token === NATIVE_ASSET;
    const meta = native ? ETHER : input.tokens.get(b.token);
    const decimals = meta?.decimals ?? null;
    const priceEth = native ? 1 : (input.eth.get(b.token)?.price ?? null);
    const priceUsd =
      input.usd.get(b.token)?.price ?? (priceEth !== null && ethUsd !== null ? priceEth * ethUsd : null);
    const amount = decimals === null ? null : formatUnits(b.balance, decimals);
    holdings.push({
      token: b.token,
      symbol: meta?.symbol ?? null,
      name: meta?.name ?? null,
      decimals,
      balance: b.balance,
      amount,
      priceUsd,
      priceEth,
      valueUsd: amount !== null && priceUsd !== null ? Number(amount) * priceUsd : null,
      blockNumber: b.blockNumber,
    });
  }
  holdings.sort(
    (a, b) =>
      (b.valueUsd ?? Number.NEGATIVE_INFINITY) - (a.valueUsd ?? Number.NEGATIVE_INFINITY) ||
      (a.token < b.token ? -1 : 1),
  );
  const priced = holdings.filter((h) => h.valueUsd !== null);
  return {
    address: input.address,
    watched: input.balances.length > 0,
    asOfBlock: input.balances.length ? Math.max(...input.balances.map((b) => b.blockNumber)) : null,
    ethUsd,
    totalUsd: priced.length ? priced.reduce((sum, h) => sum + (h.valueUsd ?? 0), 0) : null,
    holdings,
  };
}

/** Reads what valuePortfolio needs: balances, then token metadata and both price quotes in parallel. */
export async function loadPortfolio(store: ReadModel, address: string): Promise<Portfolio> {
  const balances = await store.getAddressBalances(address);
  const held = [...new Set(balances.filter((b) => BigInt(b.balance) !== 0n).map((b) => b.token))];
  const erc = held.filter((t) => t !== NATIVE_ASSET);
  const [tokens, usd, eth] = await Promise.all([
    erc.length ? store.getTokens(erc) : new Map<string, TokenMetadata>(),
    // ETH's USD price always: the UI shows it even for an empty portfolio.
    store.getLatestPrices([...new Set([...held, NATIVE_ASSET])], "USD"),
    erc.length ? store.getLatestPrices(erc, "ETH") : new Map<string, PricePoint>(),
  ]);
  return valuePortfolio({ address, balances, tokens, usd, eth });
}
