import type { Block, DailyStats } from "@chainlog/tx-schema";
import type { Point } from "../components/chart.tsx";

/**
 * Chart series from consecutive blocks (any order in, oldest first out). Plotting needs numbers, so amounts go
 * through Number here; every figure shown as text elsewhere keeps exact bigint math.
 */
export function blockSeries(blocks: Block[]): {
  txPerSecond: Point[];
  gasUsed: Point[];
  baseFeeGwei: Point[];
} {
  const sorted = [...blocks].sort((a, b) => a.number - b.number);
  const txPerSecond: Point[] = [];
  const gasUsed: Point[] = [];
  const baseFeeGwei: Point[] = [];
  sorted.forEach((block, i) => {
    const previous = sorted[i - 1];
    // Only a direct parent gives a true interval; a gap in the list would smear several blocks into one.
    if (previous && previous.number === block.number - 1) {
      const seconds = Math.max(1, block.timestamp - previous.timestamp);
      txPerSecond.push({ x: block.number, y: block.transactionCount / seconds });
    }
    gasUsed.push({ x: block.number, y: Number(block.gasUsed) });
    if (block.baseFeePerGas !== null)
      baseFeeGwei.push({ x: block.number, y: Number(block.baseFeePerGas) / 1e9 });
  });
  return { txPerSecond, gasUsed, baseFeeGwei };
}

/** Compact numbers for chart labels: 1.2k, 3.4M. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 10 || value === 0) return value.toFixed(0);
  return value.toPrecision(2);
}

/** Days since the epoch: the x axis, so a day without blocks leaves a gap in spacing rather than vanishing. */
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export function dailySeries(items: readonly DailyStats[]): {
  transactions: Point[];
  activeAddresses: Point[];
  feesEth: Point[];
} {
  const sorted = [...items].sort((a, b) => a.day.localeCompare(b.day));
  return {
    transactions: sorted.map((d) => ({ x: dayNumber(d.day), y: d.transactions })),
    activeAddresses: sorted.map((d) => ({ x: dayNumber(d.day), y: d.activeAddresses })),
    // Plotting needs a number; the table keeps the exact figure.
    feesEth: sorted.map((d) => ({ x: dayNumber(d.day), y: Number(BigInt(d.fees) / 10n ** 9n) / 1e9 })),
  };
}
