import type { Store } from "@chainlog/ports";
import { PortfolioResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AddressParam } from "../http/params.ts";
import { route } from "../http/route.ts";
import { loadPortfolio } from "../views/portfolio.ts";

/** Balances with USD values of a watched address (balances are only kept for watched addresses). */
export function registerPortfolioRoutes(app: FastifyInstance, store: Store): void {
  route(app, {
    method: "GET",
    url: "/v1/address/:address/portfolio",
    summary:
      "Holdings of a watched address with USD values, largest first (watched=false: no balances are kept for it)",
    tags: ["addresses"],
    auth: { public: "read" },
    params: z.object({ address: AddressParam }),
    responses: { 200: PortfolioResponse },
    handler: async ({ params }) => loadPortfolio(store, params.address),
  });
}
