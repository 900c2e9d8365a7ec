import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { NATIVE_ASSET, type PricePoint, type TokenMetadata } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { valuePortfolio } from "./portfolio.ts";

const OWNER = addressOf("owner");
const USDC = addressOf("usdc");
const LINK = addressOf("link");
const ODD = addressOf("odd");
const DUST = addressOf("dust");

const meta = (address: string, symbol: string, decimals: number | null): TokenMetadata => ({
  address,
  standard: "erc20",
  name: symbol,
  symbol,
  decimals,
  firstSeenBlock: 1,
});
const tokens = new Map([
  [USDC, meta(USDC, "USDC", 6)],
  [LINK, meta(LINK, "LINK", 18)],
  [ODD, meta(ODD, "ODD", null)],
]);
const block = buildBlock({
  number: 9,
  balances: [
    { address: OWNER, balance: "2000000000000000000" },
    { address: OWNER, token: USDC, balance: "1500000000" },
    { address: OWNER, token: LINK, balance: "10000000000000000000" },
    { address: OWNER, token: ODD, balance: "77" },
    { address: OWNER, token: DUST, balance: "0" },
  ],
});
const point = (token: string, quote: "USD" | "ETH", price: number): PricePoint => ({
  token,
  quote,
  price,
  pool: addressOf("pool"),
  blockNumber: 9,
  blockHash: block.block.hash,
  timestamp: block.block.timestamp,
  transactionHash: block.block.hash,
  logIndex: 0,
});

describe("valuePortfolio", () => {
  it("prices in USD directly or through ETH, sorts by value, omits zero balances", () => {
    const p = valuePortfolio({
      address: OWNER,
      balances: block.balances,
      tokens,
      usd: new Map([
        [NATIVE_ASSET, point(NATIVE_ASSET, "USD", 3000)],
        [USDC, point(USDC, "USD", 1)],
      ]),
      eth: new Map([[LINK, point(LINK, "ETH", 0.005)]]),
    });
    expect(p.watched).toBe(true);
    expect(p.asOfBlock).toBe(9);
    expect(p.ethUsd).toBe(3000);
    expect(p.holdings.map((h) => [h.symbol, h.amount, h.priceUsd, h.valueUsd])).toEqual([
      ["ETH", "2", 3000, 6000],
      ["USDC", "1500", 1, 1500],
      ["LINK", "10", 15, 150],
      ["ODD", null, null, null],
    ]);
    expect(p.holdings[0]).toMatchObject({
      token: NATIVE_ASSET,
      priceEth: 1,
      decimals: 18,
      balance: "2000000000000000000",
    });
    expect(p.totalUsd).toBe(7650);
  });

  it("has no USD values without an ETH price, and is unwatched without snapshots", () => {
    const p = valuePortfolio({
      address: OWNER,
      balances: block.balances,
      tokens,
      usd: new Map(),
      eth: new Map([[LINK, point(LINK, "ETH", 0.005)]]),
    });
    expect(p.ethUsd).toBeNull();
    expect(p.totalUsd).toBeNull();
    expect(p.holdings.find((h) => h.token === LINK)).toMatchObject({ priceEth: 0.005, priceUsd: null });
    const empty = valuePortfolio({ address: OWNER, balances: [], tokens, usd: new Map(), eth: new Map() });
    expect(empty).toEqual({
      address: OWNER,
      watched: false,
      asOfBlock: null,
      ethUsd: null,
      totalUsd: null,
      holdings: [],
    });
  });
});
