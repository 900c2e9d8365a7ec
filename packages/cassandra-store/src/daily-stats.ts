import type { Store } from "@chainlog/ports";
import { type BlockStats, type DailyStats, isUtcDay, mergeBlockStats } from "@chainlog/tx-schema";
import { dayOf, StatsDays } from "./bucket.ts";
import { num, parse, readOptions, type StoreContext } from "./context.ts";
import { runLimited } from "./run-limited.ts";

const dayNumber = (day: string, name: string): number => {
  if (!isUtcDay(day)) throw new RangeError(`${name} must be a UTC day YYYY-MM-DD`);
  return dayOf(Date.parse(`${day}T00:00:00Z`) / 1000);
};

const dayText = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/**
 * Merges each day's per-block rows at read time (exact under reorgs: a rolled-back block took its row along).
 * Days are read a few at a time so memory holds only a few days of rows.
 */
export function createDailyStats(ctx: StoreContext): Pick<Store, "getDailyStats"> {
  return {
    async getDailyStats(fromDay, toDay) {
      const from = dayNumber(fromDay, "fromDay");
      const to = dayNumber(toDay, "toDay");
      await ctx.settings();
      if (from > to) return [];
      const days = await ctx.exec(
        `SELECT bucket FROM ${ctx.ks}.address_buckets WHERE address = ? AND kind = ? AND bucket >= ? AND bucket <= ?`,
        [StatsDays.address, StatsDays.kind, from, to],
        readOptions,
      );
      const numbers: number[] = [];
      for await (const r of days) numbers.push(num(r.bucket));
      const out: DailyStats[] = [];
      await runLimited(
        numbers.map((d) => async () => {
          const rows: BlockStats[] = [];
          const rs = await ctx.exec(
            `SELECT stats FROM ${ctx.ks}.block_stats_by_day WHERE day = ?`,
            [dayText(d)],
            readOptions,
          );
          for await (const r of rs) rows.push(parse<BlockStats>(r.stats));
          out.push(...mergeBlockStats(rows));
        }),
        4,
      );
      return out.sort((a, b) => a.day.localeCompare(b.day) || a.chainId - b.chainId);
    },
  };
}
