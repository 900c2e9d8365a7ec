import type { ReadModel } from "@chainlog/ports";
import {
  NATIVE_ASSET,
  PricePointPage,
  type TokenMetadata,
  TokenResponse,
  TokenTransferPage,
} from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AddressParam, CursorParam, limitParam, QuoteParam, UnixSecondsParam } from "../http/params.ts";
import { pageRoute, readRoute } from "../http/read-route.ts";

const tags = ["tokens"];

/** ETH has no contract to read metadata from; its price series (NATIVE_ASSET in USD) is still served. */
const NATIVE_TOKEN: TokenMetadata = {
  address: NATIVE_ASSET,
  standard: null,
  name: "Ether",
  symbol: "ETH",
  decimals: 18,
  firstSeenBlock: 0,
};

/** Token metadata, its transfers and its price series. */
export function registerTokenRoutes(app: FastifyInstance, store: ReadModel): void {
  const params = z.object({ address: AddressParam });
  readRoute(app, {
    url: "/v1/tokens/:address",
    summary: "A token's metadata and its newest USD and ETH prices (NATIVE_ASSET 0xeeee…eeee is ETH)",
    tags,
    params,
    response: TokenResponse,
    read: async ({ params }) => {
      const [token, usd, eth] = await Promise.all([
        params.address === NATIVE_ASSET ? NATIVE_TOKEN : store.getToken(params.address),
        store.getLatestPrices([params.address], "USD"),
        store.getLatestPrices([params.address], "ETH"),
      ]);
      if (!token) return null;
      return { token, priceUsd: usd.get(params.address) ?? null, priceEth: eth.get(params.address) ?? null };
    },
    missing: (params) => `no token ${params.address}`,
  });

  pageRoute(app, {
    url: "/v1/tokens/:address/transfers",
    summary: "Transfers of one token contract, newest first (cursor pagination)",
    tags,
    params,
    response: TokenTransferPage,
    list: ({ address }, page) => store.getTokenTransfers(address, page),
  });

  readRoute(app, {
    url: "/v1/tokens/:address/prices",
    summary:
      "A token's price points in USD or ETH, newest first; from/to are inclusive unix seconds (cursor pagination, limit 1..1000)",
    tags,
    params,
    query: z.object({
      quote: QuoteParam,
      from: UnixSecondsParam.optional(),
      to: UnixSecondsParam.optional(),
      limit: limitParam(1000, 200),
      cursor: CursorParam,
    }),
    response: PricePointPage,
    // from after to: an empty range, answered as one (not an error the document could not describe)
    read: async ({ params, query }) =>
      store.getPriceSeries(params.address, query.quote, {
        limit: query.limit,
        cursor: query.cursor ?? null,
        ...(query.from === undefined ? {} : { fromTimestamp: query.from }),
        ...(query.to === undefined ? {} : { toTimestamp: query.to }),
      }),
  });
}
