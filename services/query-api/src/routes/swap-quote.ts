import type { RpcPool } from "@chainlog/rpc";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError, NotFoundError } from "../http/errors.ts";
import { AddressParam } from "../http/params.ts";
import { readRoute } from "../http/read-route.ts";
import type { ApiSettings } from "../settings.ts";
import { NoNodeError, nodeResult } from "../wallet/node-access.ts";

const SwapQuote = z.object({
  pair: z.string(),
  /** The router the signed swap goes through (null: none configured, quotes only). */
  router: z.string().nullable(),
  tokenIn: z.string(),
  tokenOut: z.string(),
  amountIn: z.string(),
  amountOut: z.string(),
  /** amountOut less the slippage allowed: what the signed transaction demands at least. */
  minimumOut: z.string(),
  slippageBps: z.number(),
  reserveIn: z.string(),
  reserveOut: z.string(),
  /** How much worse than the pool's price before the trade (fee excluded), 0..1. */
  priceImpact: z.number(),
  /** The reserves are the pool's at the end of this block. */
  blockNumber: z.number(),
});

const word = (hex: string, i: number) => BigInt(`0x${hex.slice(2 + i * 64, 2 + (i + 1) * 64) || "0"}`);
const addressWord = (hex: string) => `0x${hex.slice(-40)}`.toLowerCase();

/** Uniswap V2's constant-product output after the 0.3% fee (the pair's own invariant). */
export function amountOutOf(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn === 0n || reserveIn === 0n || reserveOut === 0n) return 0n;
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/** 1 − executed price / pool price, the fee left out (Uniswap's interface shows the fee apart). */
export function priceImpactOf(
  amountIn: bigint,
  amountOut: bigint,
  reserveIn: bigint,
  reserveOut: bigint,
): number {
  if (amountIn === 0n || reserveIn === 0n) return 0;
  const ideal = (amountIn * 997n * reserveOut) / (reserveIn * 1000n);
  if (ideal === 0n) return 0;
  return Number(((ideal - amountOut) * 1_000_000n) / ideal) / 1_000_000;
}

/**
 * Swap quotes on the Uniswap-V2 pairs the platform trades (API_SWAP_PAIRS): the output for an exact input from the
 * pair's reserves at the node's current head, its price impact, and the minimum output for a slippage limit.
 */
export function registerSwapQuoteRoutes(
  app: FastifyInstance,
  deps: { settings: ApiSettings; rpc?: RpcPool | null },
): void {
  const { settings, rpc } = deps;
  const tokensOf = new Map<string, Promise<[string, string]>>();
  const pairTokens = (pool: RpcPool, pair: string) => {
    let known = tokensOf.get(pair);
    if (!known) {
      known = Promise.all([
        nodeResult<string>(pool, "eth_call", [{ to: pair, data: "0x0dfe1681" }, "latest"]),
        nodeResult<string>(pool, "eth_call", [{ to: pair, data: "0xd21220a7" }, "latest"]),
      ]).then(([a, b]) => [addressWord(a), addressWord(b)] as [string, string]);
      known.catch(() => tokensOf.delete(pair));
      tokensOf.set(pair, known);
    }
    return known;
  };

  readRoute(app, {
    url: "/v1/swap/pairs",
    summary:
      "The Uniswap-V2 pairs quoted and traded here, with their tokens, and the router swaps go through",
    tags: ["swaps"],
    response: z.object({
      router: z.string().nullable(),
      items: z.array(z.object({ pair: z.string(), token0: z.string(), token1: z.string() })),
    }),
    errors: [502],
    read: async () => {
      const items = [];
      for (const pair of settings.swap.pairs) {
        if (!rpc) throw new NoNodeError();
        const [token0, token1] = await pairTokens(rpc, pair);
        items.push({ pair, token0, token1 });
      }
      return { router: settings.swap.router, items };
    },
  });

  readRoute(app, {
    url: "/v1/swap/quote",
    summary:
      "Quote an exact-input swap on a Uniswap-V2 pair: output, price impact and minimum output for a slippage",
    tags: ["swaps"],
    query: z.strictObject({
      tokenIn: AddressParam,
      tokenOut: AddressParam,
      // Above zero: nothing to quote for nothing.
      amountIn: z
        .string({ error: "must be a positive decimal integer" })
        .regex(/^[1-9][0-9]{0,77}$/, { error: "must be a positive decimal integer" })
        .describe("in tokenIn's smallest unit"),
      slippageBps: z.coerce
        .number({ error: "must be basis points from 0 to 5000" })
        .int({ error: "must be basis points from 0 to 5000" })
        .min(0, { error: "must be basis points from 0 to 5000" })
        .max(5000, { error: "must be basis points from 0 to 5000" })
        .default(50),
    }),
    response: SwapQuote,
    errors: [404, 502],
    read: async ({ query }) => {
      const amountIn = BigInt(query.amountIn);
      let found: { pair: string; zeroForOne: boolean } | null = null;
      // A token against itself matches no pair: a 404 like any other pair nobody trades.
      for (const pair of settings.swap.pairs) {
        if (!rpc) throw new NoNodeError();
        const [token0, token1] = await pairTokens(rpc, pair);
        if (token0 === query.tokenIn && token1 === query.tokenOut) found = { pair, zeroForOne: true };
        else if (token1 === query.tokenIn && token0 === query.tokenOut) found = { pair, zeroForOne: false };
        if (found) break;
      }
      if (!found || !rpc) throw new NotFoundError("no pool trades this pair of tokens here");
      const head = Number(BigInt(await nodeResult<string>(rpc, "eth_blockNumber", [])));
      const reserves = await nodeResult<string>(rpc, "eth_call", [
        { to: found.pair, data: "0x0902f1ac" },
        `0x${head.toString(16)}`,
      ]);
      if (!/^0x[0-9a-fA-F]{192}$/.test(reserves))
        throw new ApiError(502, "node_error", "the pool answered getReserves() with something else");
      const [r0, r1] = [word(reserves, 0), word(reserves, 1)];
      const [reserveIn, reserveOut] = found.zeroForOne ? [r0, r1] : [r1, r0];
      const amountOut = amountOutOf(amountIn, reserveIn, reserveOut);
      return {
        pair: found.pair,
        router: settings.swap.router,
        tokenIn: query.tokenIn,
        tokenOut: query.tokenOut,
        amountIn: amountIn.toString(),
        amountOut: amountOut.toString(),
        minimumOut: ((amountOut * BigInt(10_000 - query.slippageBps)) / 10_000n).toString(),
        slippageBps: query.slippageBps,
        reserveIn: reserveIn.toString(),
        reserveOut: reserveOut.toString(),
        priceImpact: priceImpactOf(amountIn, amountOut, reserveIn, reserveOut),
        blockNumber: head,
      };
    },
  });
}
