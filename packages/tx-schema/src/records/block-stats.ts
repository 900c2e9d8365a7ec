import { z } from "zod";
import { InBlock, UtcDay, utcDay } from "./event-location.ts";
import { Address, ChainId, SafeInt, Uint } from "./primitives.ts";

/** What a block adds to its day and a day sums: transactions, gas used, and Σ gasUsed × effectiveGasPrice (fees). */
const Totals = { transactions: SafeInt, gasUsed: Uint, fees: Uint };

/**
 * One block's contribution to its day's aggregates. Daily stats are merged from these at read time, so they stay
 * exact under reorgs (a rolled-back block takes its row with it) and under out-of-order, per-partition processing.
 */
export const BlockStats = z.object({
  chainId: ChainId,
  ...InBlock,
  timestamp: SafeInt,
  day: UtcDay,
  /** fees: what senders paid (burnt base fee + tips). */
  ...Totals,
  /** Distinct transaction senders and recipients of the block. */
  addresses: z.array(Address),
  /** Token transfer rows per token contract. */
  transfersPerToken: z.record(z.string(), SafeInt),
});
export type BlockStats = z.infer<typeof BlockStats>;

/** Aggregates of one UTC day over the canonical blocks stored for it. */
export const DailyStats = z.object({
  chainId: ChainId,
  day: UtcDay,
  blocks: SafeInt,
  ...Totals,
  /** Distinct senders and recipients over the whole day (not a sum of per-block counts). */
  activeAddresses: SafeInt,
  transfersPerToken: z.record(z.string(), SafeInt),
});
export type DailyStats = z.infer<typeof DailyStats>;

/** Merges block rows into day rows; what every Store implementation returns for a day. */
export function mergeBlockStats(rows: readonly BlockStats[]): DailyStats[] {
  const days = new Map<string, { s: DailyStats; gas: bigint; fees: bigint; addresses: Set<string> }>();
  for (const r of rows) {
    const key = `${r.chainId}:${r.day}`;
    let d = days.get(key);
    if (!d) {
      d = {
        s: {
          chainId: r.chainId,
          day: r.day,
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
    d.s.blocks += 1;
    d.s.transactions += r.transactions;
    d.gas += BigInt(r.gasUsed);
    d.fees += BigInt(r.fees);
    for (const a of r.addresses) d.addresses.add(a);
    for (const [token, n] of Object.entries(r.transfersPerToken))
      d.s.transfersPerToken[token] = (d.s.transfersPerToken[token] ?? 0) + n;
  }
  return [...days.values()]
    .map(({ s, gas, fees, addresses }) => ({
      ...s,
      gasUsed: gas.toString(),
      fees: fees.toString(),
      activeAddresses: addresses.size,
    }))
    .sort((a, b) => a.chainId - b.chainId || a.day.localeCompare(b.day));
}

/** One block's BlockStats, from its raw rows and decoded token transfers. Pure. */
export function blockStatsOf(input: {
  chainId: number;
  block: { number: number; hash: string; timestamp: number };
  transactions: readonly { from: string; to: string | null }[];
  receipts: readonly { gasUsed: string; effectiveGasPrice: string | null }[];
  tokenTransfers: readonly { token: string }[];
}): BlockStats {
  const addresses = new Set<string>();
  for (const tx of input.transactions) {
    addresses.add(tx.from);
    if (tx.to) addresses.add(tx.to);
  }
  let gasUsed = 0n;
  let fees = 0n;
  for (const r of input.receipts) {
    const gas = BigInt(r.gasUsed);
    gasUsed += gas;
    fees += gas * BigInt(r.effectiveGasPrice ?? "0");
  }
  const transfersPerToken: Record<string, number> = {};
  for (const t of input.tokenTransfers) transfersPerToken[t.token] = (transfersPerToken[t.token] ?? 0) + 1;
  return {
    chainId: input.chainId,
    blockNumber: input.block.number,
    blockHash: input.block.hash,
    timestamp: input.block.timestamp,
    day: utcDay(input.block.timestamp),
    transactions: input.transactions.length,
    gasUsed: gasUsed.toString(),
    fees: fees.toString(),
    addresses: [...addresses].sort(),
    transfersPerToken,
  };
}
