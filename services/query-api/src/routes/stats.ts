import type { ReadModel } from "@chainlog/ports";
import { DailyStatsResponse, utcDay } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { InvalidParameterError } from "../http/errors.ts";
import { UtcDayParam } from "../http/params.ts";
import { readRoute } from "../http/read-route.ts";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => utcDay(ms / 1000);

/** Resolves the optional bounds: `to` defaults to today (UTC), `from` to 30 days ending at `to`. */
export function dailyRange(
  query: { from?: string; to?: string },
  now = Date.now(),
): { from: string; to: string } | null {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? dayOf(Math.max(0, dayMs(to) - (DEFAULT_DAYS - 1) * DAY_MS));
  // A reversed range holds no day: empty, like any other range without stats.
  if (from > to) return null;
  if ((dayMs(to) - dayMs(from)) / DAY_MS + 1 > MAX_DAYS)
    throw new InvalidParameterError(
      query.from === undefined ? "to" : "from",
      `must leave a range of at most ${MAX_DAYS} days`,
    );
  return { from, to };
}

export function registerStatsRoutes(app: FastifyInstance, store: ReadModel): void {
  readRoute(app, {
    url: "/v1/stats/daily",
    summary:
      "Per-day aggregates (blocks, transactions, gas, fees, active addresses, transfers per token), ascending; default the last 30 days; a range of more than 366 days is a 400 naming the bound given",
    tags: ["stats"],
    query: z.object({ from: UtcDayParam.optional(), to: UtcDayParam.optional() }),
    response: DailyStatsResponse,
    read: async ({ query }) => {
      const range = dailyRange(query);
      return { items: range ? await store.getDailyStats(range.from, range.to) : [] };
    },
  });
}
