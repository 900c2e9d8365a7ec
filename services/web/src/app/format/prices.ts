import type { PricePoint } from "../api/routes.ts";
import type { Point } from "../components/chart.tsx";

/**
 * A price series for the chart, oldest first, from the API's newest-first page. Several trades may share a block
 * (and a timestamp), so x is the trade's place in chain order, not its time: the line shows every trade.
 */
export function priceSeries(points: readonly PricePoint[]): Point[] {
  return [...points]
    .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
    .map((p, i) => ({ x: i, y: p.price }));
}

/** The first and last time of a series, for the chart's caption. */
export function seriesSpan(points: readonly PricePoint[]): { from: number; to: number } | null {
  if (points.length === 0) return null;
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const p of points) {
    from = Math.min(from, p.timestamp);
    to = Math.max(to, p.timestamp);
  }
  return { from, to };
}
