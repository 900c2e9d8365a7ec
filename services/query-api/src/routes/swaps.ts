import type { ReadModel } from "@chainlog/ports";
import { SwapDetailsResponse, SwapPage } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AddressParam, HashParam } from "../http/params.ts";
import { pageRoute, readRoute } from "../http/read-route.ts";
import { swapView } from "../views/swap-view.ts";
import { referencedTokens, tokenMap } from "../views/token-map.ts";

const tags = ["swaps"];

/** DEX swaps: by transaction ("swap details by reference") and by address. */
export function registerSwapRoutes(app: FastifyInstance, store: ReadModel): void {
  readRoute(app, {
    url: "/v1/swaps/:txHash",
    summary: "Swap details by transaction hash: each swap with its in/out token and amount",
    tags,
    params: z.object({ txHash: HashParam }),
    response: SwapDetailsResponse,
    read: async ({ params: { txHash } }) => {
      // Only the swaps of the stored detail are answered.
      const swaps = (await store.getTransaction(txHash))?.swaps;
      if (!swaps) return null;
      return {
        transactionHash: txHash,
        items: swaps.map(swapView),
        tokens: await tokenMap(store, referencedTokens({ swaps })),
      };
    },
    missing: (params) => `no transaction with hash ${params.txHash}`,
  });

  pageRoute(app, {
    url: "/v1/address/:address/swaps",
    summary:
      "Swaps the address sent (transaction sender), routed (event sender) or received, newest first (cursor pagination)",
    tags,
    params: z.object({ address: AddressParam }),
    response: SwapPage,
    list: async ({ address }, page) => {
      const swaps = await store.getAddressSwaps(address, page);
      return { ...swaps, tokens: await tokenMap(store, referencedTokens({ swaps: swaps.items })) };
    },
  });
}
