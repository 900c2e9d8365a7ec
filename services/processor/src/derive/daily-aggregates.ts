import type { IndexedBlock } from "@chainlog/ports";

export interface DailyAggregate {
  chainId: number;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  blocks: number;
  transactions: number;
  /** Sums in wei / gas units, as decimal strings (they outgrow 2^53). */
  gasUsed: string;
  /** Σ gasUsed × effectiveGasPrice over the day's receipts: what senders paid (burnt base fee + tips). */
  fees: string;
  /** Distinct transaction senders and recipients. */
  activeAddresses: number;
  /** Token transfer count per token contract. */
  transfersPerToken: Record<string, number>;
}

export function utcDay(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * Daily aggregates of the given blocks, one per (chain, UTC day). Pure and recomputable: after a reorg the
 * affected days are recomputed from the canonical blocks, so an aggregate never keeps an orphaned block's rows.
 * Give it every block of a day for exact distinct counts.
 */
export function aggregateDaily(blocks: readonly IndexedBlock[]): DailyAggregate[] {
  const days = new Map<string, { agg: DailyAggregate; gas: bigint; fees: bigint; addresses: Set<string> }>();
  for (const b of blocks) {
    const day = utcDay(b.block.timestamp);
    const key = `${b.chainId}:${day}`;
    let d = days.get(key);
    if (!d) {
      d = {
        agg: {
          chainId: b.chainId,
          day,
          blocks: 0,
          transactions: 0,
          gasUsed: "0",
          fees: "0",
          activeAddresses: 0,
          transfersPerToken: {},
        },
        gas: 0n,
        fees: 0n,
        addresses: new Set(),
      };
      days.set(key, d);
    }
    d.agg.blocks += 1;
    d.agg.transactions += b.transactions.length;
    for (const tx of b.transactions) {
      d.addresses.add(tx.from);
      if (tx.to) d.addresses.add(tx.to);
    }
    for (const r of b.receipts) {
      const gas = BigInt(r.gasUsed);
      d.gas += gas;
      d.fees += gas * BigInt(r.effectiveGasPrice ?? "0");
    }
    for (const t of b.tokenTransfers)
      d.agg.transfersPerToken[t.token] = (d.agg.transfersPerToken[t.token] ?? 0) + 1;
  }
  return [...days.values()]
    .map(({ agg, gas, fees, addresses }) => ({
      ...agg,
      gasUsed: gas.toString(),
      fees: fees.toString(),
      activeAddresses: addresses.size,
    }))
    .sort((a, b) => a.chainId - b.chainId || a.day.localeCompare(b.day));
}
