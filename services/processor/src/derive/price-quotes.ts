/** Mainnet quote assets (Etherscan): WETH9, and USDC, USDT, DAI taken as 1 USD. */
const MAINNET = {
  weth: "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2",
  stablecoins: [
    "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
    "0xdac17f958d2ee523a2206206994597c13d831ec7",
    "0x6b175474e89094c44da98b954eedeac495271d0f",
  ],
};

export interface PriceQuotes {
  weth: string;
  stablecoins: ReadonlySet<string>;
}

/**
 * What DEX prices are quoted against on a chain: WETH_ADDRESS / STABLECOIN_ADDRESSES when configured, mainnet's
 * well-known ones on chain 1, otherwise nothing (null: no price points; swaps still get their own price).
 */
export function resolvePriceQuotes(
  chainId: number,
  configured: { weth?: string; stablecoins?: readonly string[] },
): PriceQuotes | null {
  const mainnet = chainId === 1;
  const weth = configured.weth ?? (mainnet ? MAINNET.weth : undefined);
  if (!weth) return null;
  const stablecoins = configured.stablecoins ?? (mainnet ? MAINNET.stablecoins : []);
  return { weth: weth.toLowerCase(), stablecoins: new Set(stablecoins.map((s) => s.toLowerCase())) };
}
