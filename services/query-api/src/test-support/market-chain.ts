import type { IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { NATIVE_ASSET, type TokenMetadata } from "@chainlog/tx-schema";

/** Actors of a small DEX market: a trader swapping WETH for LINK through a router, a watched holder. */
export const M = {
  trader: addressOf("market:trader"),
  router: addressOf("market:router"),
  holder: addressOf("market:holder"),
  weth: addressOf("market:weth"),
  link: addressOf("market:link"),
  usdc: addressOf("market:usdc"),
  /** A token the store never read metadata for. */
  mystery: addressOf("market:mystery"),
  linkPool: addressOf("market:pool-link-weth"),
  ethPool: addressOf("market:pool-weth-usdc"),
  factory: addressOf("market:factory"),
  child: addressOf("market:child"),
};

export const MARKET_TOKENS: TokenMetadata[] = [
  {
    address: M.weth,
    standard: "erc20",
    name: "Wrapped Ether",
    symbol: "WETH",
    decimals: 18,
    firstSeenBlock: 1,
  },
  {
    address: M.link,
    standard: "erc20",
    name: "ChainLink Token",
    symbol: "LINK",
    decimals: 18,
    firstSeenBlock: 1,
  },
  { address: M.usdc, standard: "erc20", name: "USD Coin", symbol: "USDC", decimals: 6, firstSeenBlock: 1 },
  // Another token claiming the same symbol: search must list both.
  {
    address: addressOf("market:fake-link"),
    standard: "erc20",
    name: "Fake",
    symbol: "link",
    decimals: 18,
    firstSeenBlock: 2,
  },
];

/** Block timestamps: one block per hour from a fixed day, so day ranges and price windows are exact. */
export const DAY0 = Date.UTC(2024, 0, 1) / 1000;
export const timestampOf = (n: number) => DAY0 + (n - 1) * 3600;

/**
 * n blocks (n ≤ 72: three UTC days). Every block: the trader swaps 1 WETH for LINK (price rising with n), the ETH
 * price moves on the WETH/USDC pool, the holder's balances are snapshotted. Block 2 also deploys a contract and
 * a factory child, approves and wraps.
 */
export function marketChain(n = 30): IndexedBlock[] {
  return Array.from({ length: n }, (_, k) => {
    const number = k + 1;
    const linkPerEth = 200 - number;
    return buildBlock({
      number,
      timestamp: timestampOf(number),
      balances: [
        { address: M.holder, balance: (2n * 10n ** 18n).toString() },
        { address: M.holder, token: M.link, balance: (10n * 10n ** 18n + BigInt(number)).toString() },
        { address: M.holder, token: M.usdc, balance: "1500000000" },
        { address: M.holder, token: M.mystery, balance: "77" },
        { address: M.holder, token: M.weth, balance: "0" },
      ],
      txs: [
        {
          from: M.trader,
          to: M.router,
          swaps: [
            {
              pool: M.linkPool,
              sender: M.router,
              recipient: M.trader,
              token0: M.weth,
              token1: M.link,
              amount0: (10n ** 18n).toString(),
              amount1: (-BigInt(linkPerEth) * 10n ** 18n).toString(),
              prices: [{ token: M.link, quote: "ETH", price: 1 / linkPerEth }],
            },
          ],
          transfers: [{ token: M.link, from: M.linkPool, to: M.trader, value: "5" }],
        },
        {
          from: M.holder,
          to: M.router,
          swaps: [
            {
              pool: M.ethPool,
              protocol: "uniswap-v3",
              token0: M.usdc,
              token1: M.weth,
              amount0: "-3000000000",
              amount1: (10n ** 18n).toString(),
              prices: [{ token: NATIVE_ASSET, quote: "USD", price: 3000 + number }],
            },
          ],
        },
        ...(number === 2
          ? [
              {
                from: M.trader,
                to: M.weth,
                weth: [{ token: M.weth, account: M.trader, value: "3000" }],
                approvals: [
                  { token: M.weth, owner: M.trader, spender: M.router },
                  { token: M.mystery, owner: M.trader, spender: M.router },
                ],
              },
              { from: M.trader, to: null },
              { from: M.trader, to: M.factory, traceCreations: [M.child] },
            ]
          : []),
      ],
    });
  });
}
