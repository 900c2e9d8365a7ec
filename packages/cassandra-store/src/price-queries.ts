import type { Page, Store } from "@chainlog/ports";
import type { PricePoint } from "@chainlog/tx-schema";
import { dayOf } from "./bucket.ts";
import { pageLimit, type StoreContext } from "./context.ts";
import { pageAcrossBuckets } from "./page-across-buckets.ts";
import { runLimited } from "./run-limited.ts";

export type PriceQueries = Pick<Store, "getPriceSeries" | "getLatestPrices">;

const Quotes = new Set(["ETH", "USD"]);

function checkQuote(quote: string) {
  if (!Quotes.has(quote)) throw new RangeError(`unknown price quote ${JSON.stringify(quote)}: ETH or USD`);
}

function checkTimestamp(name: string, v: number | undefined) {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
    throw new RangeError(`${name} must be a non-negative integer (seconds)`);
}

/** Price points by (token, quote, UTC day), newest first; a time window reads only its days. */
export function createPriceQueries(ctx: StoreContext): PriceQueries {
  const series = (
    token: string,
    quote: string,
    q: { limit: number; cursor?: string | null; fromTimestamp?: number; toTimestamp?: number },
  ): Promise<Page<PricePoint>> => {
    const t = token.toLowerCase();
    return pageAcrossBuckets<PricePoint>(ctx, {
      partition: [t, quote],
      table: "prices",
      column: "point",
      registry: { address: t, kind: `p:${quote}` },
      bucketOf: (position) => dayOf(position[0] ?? 0),
      limit: q.limit,
      cursor: q.cursor,
      query: `prices:${t}:${quote}:${q.fromTimestamp ?? ""}:${q.toTimestamp ?? ""}`,
      ...(q.fromTimestamp !== undefined ? { from: [q.fromTimestamp, 0, 0] } : {}),
      ...(q.toTimestamp !== undefined ? { before: [q.toTimestamp + 1, 0, 0] } : {}),
    });
  };

  return {
    async getPriceSeries(token, quote, query) {
      const limit = pageLimit(query);
      checkQuote(quote);
      checkTimestamp("fromTimestamp", query.fromTimestamp);
      checkTimestamp("toTimestamp", query.toTimestamp);
      if (
        query.fromTimestamp !== undefined &&
        query.toTimestamp !== undefined &&
        query.fromTimestamp > query.toTimestamp
      )
        return { items: [], nextCursor: null };
      return series(token, quote, { ...query, limit });
    },

    async getLatestPrices(tokens, quote) {
      checkQuote(quote);
      const out = new Map<string, PricePoint>();
      await runLimited(
        [...new Set(tokens.map((t) => t.toLowerCase()))].map((t) => async () => {
          const page = await series(t, quote, { limit: 1 });
          const p = page.items[0];
          if (p) out.set(t, p);
        }),
        ctx.concurrency,
      );
      return out;
    },
  };
}
