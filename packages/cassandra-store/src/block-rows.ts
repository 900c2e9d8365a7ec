import {
  type BlockEnrichment,
  holdingDeltas,
  holdingIdKey,
  type IndexedBlock,
  internalPositions,
} from "@chainlog/ports";
import type { Log, TokenTransfer } from "@chainlog/tx-schema";
import { bucketOf, dayOf, StatsDays, tokenBucketSize } from "./bucket.ts";
import { type BlockTable, BlockTables } from "./schema/tables.ts";

export interface Row {
  table: BlockTable;
  /** Key columns then data columns, in the order of BlockTables. */
  values: unknown[];
}

export interface BlockRows {
  /** Everything but the block rows, which are written last so a block is visible only once complete. */
  derived: Row[];
  block: Row[];
  /** Buckets to register in address_buckets: [address or token, kind, bucket]. */
  buckets: Array<[string, BucketKind, number]>;
  /** Assets of watched addresses to register in balance_tokens: [address, token]. */
  balanceTokens: Array<[string, string]>;
}

/**
 * What an address_buckets row lists: an address's transactions (tx), token transfers (tt), swaps (sw), vault
 * events (ve) or internal transactions (it), a
 * token's transfers (tk, fine buckets), a token's price days in a quote (p:ETH, p:USD), or the days with
 * block stats (day).
 */
export type BucketKind = "tx" | "tt" | "sw" | "ve" | "it" | "tk" | "day" | `p:${string}`;

export function keyOf(row: Row): unknown[] {
  return row.values.slice(0, BlockTables[row.table].key.length);
}

/** The rows one block writes across the query tables. */
export function blockRows(b: IndexedBlock, bucketSize: number): BlockRows {
  const { block } = b;
  const n = block.number;
  const bucket = bucketOf(n, bucketSize);
  const derived: Row[] = [];
  const tokenBucket = bucketOf(n, tokenBucketSize(bucketSize));
  const buckets = new Map<string, [string, BucketKind, number]>();
  const addBucket = (address: string, kind: BucketKind, at = bucket) =>
    buckets.set(`${address}/${kind}/${at}`, [address, kind, at]);

  const receipts = new Map(b.receipts.map((r) => [r.transactionHash, r]));
  const logsByTx = groupBy(b.logs, (l: Log) => l.transactionHash);
  const transfersByTx = groupBy(b.tokenTransfers, (t: TokenTransfer) => t.transactionHash);
  const byTx = (items: Array<{ transactionHash: string }>) => groupBy(items, (i) => i.transactionHash);
  const swapsByTx = byTx(b.swaps);
  const approvalsByTx = byTx(b.approvals);
  const wethByTx = byTx(b.wethEvents);
  const creationsByTx = byTx(b.contractCreations);
  const list = (m: Map<string, unknown[]>, hash: string) => JSON.stringify(m.get(hash) ?? []);

  for (const tx of b.transactions) {
    const json = JSON.stringify(tx);
    const receipt = receipts.get(tx.hash) ?? null;
    derived.push({
      table: "tx_by_hash",
      values: [
        tx.hash,
        block.hash,
        n,
        tx.transactionIndex,
        json,
        receipt ? JSON.stringify(receipt) : null,
        JSON.stringify(logsByTx.get(tx.hash) ?? []),
        JSON.stringify(transfersByTx.get(tx.hash) ?? []),
        list(swapsByTx, tx.hash),
        list(approvalsByTx, tx.hash),
        list(wethByTx, tx.hash),
        list(creationsByTx, tx.hash),
      ],
    });
    derived.push({ table: "txs_by_block", values: [block.hash, tx.transactionIndex, json] });
    // a contract creation belongs to the created contract's history too
    const addresses = new Set([tx.from, tx.to, receipt?.contractAddress].filter((a): a is string => !!a));
    for (const address of addresses) {
      derived.push({ table: "txs_by_address", values: [address, bucket, n, tx.transactionIndex, json] });
      addBucket(address, "tx");
    }
  }
  for (const t of b.tokenTransfers) {
    const json = JSON.stringify(t);
    for (const address of new Set([t.from, t.to])) {
      derived.push({
        table: "token_transfers_by_address",
        values: [address, bucket, n, t.logIndex, t.batchIndex, json],
      });
      addBucket(address, "tt");
    }
    derived.push({
      table: "transfers_by_token",
      values: [t.token, tokenBucket, n, t.logIndex, t.batchIndex, json],
    });
    addBucket(t.token, "tk", tokenBucket);
  }
  derived.push(...holdingRows(n, b.tokenTransfers));
  for (const s of b.swaps) {
    const json = JSON.stringify(s);
    for (const address of new Set([s.transactionFrom, s.sender, s.recipient])) {
      derived.push({ table: "swaps_by_address", values: [address, bucket, n, s.logIndex, json] });
      addBucket(address, "sw");
    }
  }
  for (const v of b.vaultEvents ?? []) {
    const json = JSON.stringify(v);
    for (const address of new Set([v.owner, v.sender, v.receiver]))
      if (address !== null) {
        derived.push({ table: "vault_events_by_address", values: [address, bucket, n, v.logIndex, json] });
        addBucket(address, "ve");
      }
  }
  for (const c of b.contractCreations)
    derived.push({
      table: "creations_by_address",
      values: [c.address, n, c.transactionIndex, JSON.stringify(c)],
    });
  for (const [f, position] of internalPositions(b.internalTransactions)) {
    const json = JSON.stringify(f);
    derived.push({ table: "internal_txs_by_tx", values: [f.transactionHash, block.hash, position, json] });
    for (const address of new Set([f.from, f.to]))
      if (address !== null) {
        derived.push({
          table: "internal_txs_by_address",
          values: [address, bucket, n, f.transactionIndex, position, json],
        });
        addBucket(address, "it");
      }
  }
  for (const p of b.pricePoints) {
    const day = dayOf(p.timestamp);
    derived.push({
      table: "prices",
      values: [p.token, p.quote, day, p.timestamp, n, p.logIndex, JSON.stringify(p)],
    });
    addBucket(p.token, `p:${p.quote}`, day);
  }
  const balanceTokens = new Map<string, [string, string]>();
  for (const s of b.balances) {
    derived.push({ table: "balances", values: [s.address, s.token, n, JSON.stringify(s)] });
    balanceTokens.set(`${s.address}/${s.token}`, [s.address, s.token]);
  }
  derived.push({ table: "block_stats_by_day", values: [b.stats.day, n, JSON.stringify(b.stats)] });
  addBucket(StatsDays.address, StatsDays.kind, dayOf(Date.parse(`${b.stats.day}T00:00:00Z`) / 1000));
  const data = JSON.stringify(block);
  return {
    derived,
    block: [
      { table: "blocks_by_hash", values: [block.hash, n, data] },
      { table: "blocks_by_number", values: [bucket, n, block.hash, data] },
    ],
    buckets: [...buckets.values()],
    balanceTokens: [...balanceTokens.values()],
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** A block's holding_deltas rows: its transfers as stored (a repeated key is one row), netted per holding. */
export function holdingRows(n: number, transfers: readonly TokenTransfer[]): Row[] {
  const stored = new Map(transfers.map((t) => [`${t.logIndex}:${t.batchIndex}`, t]));
  return holdingDeltas(stored.values()).map((d) => ({
    table: "holding_deltas",
    values: [d.address, d.token, holdingIdKey(d.tokenId), n, d.standard, d.delta.toString()],
  }));
}

/** Height-index chunks of the holdings backfill (keyspaces made before migration 5) start here. */
export const BACKFILL_CHUNKS = 200_000;

/** Height-index chunks of the enrichment stage start here, apart from the raw write's (a few per block). */
export const ENRICHMENT_CHUNKS = 100_000;

export interface EnrichmentRows {
  /** Swaps, traced creations, internal transactions, prices and balances, in their query tables. */
  rows: Row[];
  /** The marks, written last. */
  marks: Row[];
  /** Per transaction hash: its swaps and traced creations, for the tx_by_hash columns. */
  swapsByTx: Map<string, unknown[]>;
  tracedByTx: Map<string, unknown[]>;
  buckets: Array<[string, BucketKind, number]>;
  balanceTokens: Array<[string, string]>;
}

/** The rows a block's enrichment writes: the parts of blockRows that need the node, plus the marks. */
export function enrichmentRows(e: BlockEnrichment, bucketSize: number): EnrichmentRows {
  const { blockNumber: n, blockHash: hash } = e.mark;
  const partial = blockRows(
    {
      chainId: 0,
      block: { number: n, hash } as IndexedBlock["block"],
      transactions: [],
      receipts: [],
      logs: [],
      tokenTransfers: [],
      approvals: [],
      wethEvents: [],
      swaps: e.swaps,
      contractCreations: e.contractCreations,
      internalTransactions: e.internalTransactions,
      pricePoints: e.pricePoints,
      balances: e.balances,
      stats: { day: "1970-01-01" } as IndexedBlock["stats"],
    },
    bucketSize,
  );
  const wanted = new Set<BlockTable>([
    "swaps_by_address",
    "creations_by_address",
    "internal_txs_by_tx",
    "internal_txs_by_address",
    "prices",
    "balances",
  ]);
  const mark = JSON.stringify(e.mark);
  return {
    rows: partial.derived.filter((r) => wanted.has(r.table)),
    marks: [
      { table: "enrichment_by_number", values: [bucketOf(n, bucketSize), n, hash, mark] },
      { table: "enrichment_by_hash", values: [hash, mark] },
    ],
    swapsByTx: groupBy(e.swaps as unknown[] as { transactionHash: string }[], (s) => s.transactionHash),
    tracedByTx: groupBy(e.contractCreations as { transactionHash: string }[], (c) => c.transactionHash),
    buckets: partial.buckets.filter(([, kind]) => kind === "sw" || kind === "it" || kind.startsWith("p:")),
    balanceTokens: partial.balanceTokens,
  };
}
