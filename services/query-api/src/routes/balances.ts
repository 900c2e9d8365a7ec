import type { ReadModel } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import { AddressBalancesResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AddressParam } from "../http/params.ts";
import { route } from "../http/route.ts";
import { createEthBalanceCache, createStoredSideCache, loadAddressBalances } from "../views/balances.ts";

export function registerBalanceRoutes(
  app: FastifyInstance,
  deps: { store: ReadModel; rpc: RpcPool | null; balanceCacheMs: number },
): void {
  const ethBalance = deps.rpc ? createEthBalanceCache(deps.rpc, deps.balanceCacheMs) : null;
  const storedSide = createStoredSideCache(deps.balanceCacheMs);
  route(app, {
    method: "GET",
    url: "/v1/address/:address/balances",
    summary:
      "Balances of any address: ETH from the node at its latest block, ERC-20/721/1155 holdings the store keeps from the indexed transfers over the indexed range (`indexed`), USD from indexed prices; confirm=true adds balanceOf at the node's block",
    tags: ["addresses"],
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    query: z.object({
      confirm: z
        .enum(["true", "false"], { error: "must be true or false" })
        .default("false")
        .transform((v) => v === "true"),
    }),
    responses: { 200: AddressBalancesResponse },
    handler: async ({ params, query }) =>
      loadAddressBalances(
        { store: deps.store, rpc: deps.rpc, ethBalance, storedSide },
        params.address,
        query.confirm,
      ),
  });
}
