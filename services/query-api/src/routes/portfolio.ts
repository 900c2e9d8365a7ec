import type { ReadModel } from "@chainlog/ports";
import { PortfolioResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AddressParam } from "../http/params.ts";
import { readRoute } from "../http/read-route.ts";
import { loadPortfolio } from "../views/portfolio.ts";

/** Balances with USD values of a watched address (balances are only kept for watched addresses). */
export function registerPortfolioRoutes(app: FastifyInstance, store: ReadModel): void {
  readRoute(app, {
    url: "/v1/address/:address/portfolio",
    summary:
      "Holdings of a watched address with USD values, largest first (watched=false: no balances are kept for it)",
    tags: ["addresses"],
    params: z.object({ address: AddressParam }),
    response: PortfolioResponse,
    read: async ({ params }) => loadPortfolio(store, params.address),
  });
}
