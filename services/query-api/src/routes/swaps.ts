import type { Store } from "@chainlog/ports";
import { SwapDetailsResponse, SwapPage } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NotFoundError } from "../http/errors.ts";
import { AddressParam, HashParam, PageQuery } from "../http/params.ts";
import { route } from "../http/route.ts";
import { swapView } from "../views/swap-view.ts";
import { referencedTokens, tokenMap } from "../views/token-map.ts";

const tags = ["swaps"];

/** DEX swaps: by transaction ("swap details by reference") and by address. */
export function registerSwapRoutes(app: FastifyInstance, store: Store): void {
  route(app, {
    method: "GET",
    url: "/v1/swaps/:txHash",
    summary: "Swap details by transaction hash: each swap with its in/out token and amount",
    tags,
    auth: { public: "read" },
    params: z.object({ txHash: HashParam }),
    responses: { 200: SwapDetailsResponse },
    handler: async ({ params }) => {
      const detail = await store.getTransaction(params.txHash);
      if (!detail) throw new NotFoundError(`no transaction with hash ${params.txHash}`);
      return {
        transactionHash: params.txHash,
        items: detail.swaps.map(swapView),
        tokens: await tokenMap(store, referencedTokens({ swaps: detail.swaps })),
      };
    },
  });

  route(app, {
    method: "GET",
    url: "/v1/address/:address/swaps",
    summary:
      "Swaps the address sent (transaction sender), routed (event sender) or received, newest first (cursor pagination)",
    tags,
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    query: PageQuery,
    responses: { 200: SwapPage },
    handler: async ({ params, query }) => {
      const page = await store.getAddressSwaps(params.address, {
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
      return { ...page, tokens: await tokenMap(store, referencedTokens({ swaps: page.items })) };
    },
  });
}
