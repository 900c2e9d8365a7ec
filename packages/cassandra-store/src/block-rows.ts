import type { IndexedBlock } from "@chainlog/ports";
import type { Log, TokenTransfer } from "@chainlog/tx-schema";
import { bucketOf } from "./bucket.ts";
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
  /** Address buckets to register: [address, kind, bucket]. */
  buckets: Array<[string, "tx" | "tt", number]>;
}

export function keyOf(row: Row): unknown[] {
  return row.values.slice(0, BlockTables[row.table].key.length);
}

/** The rows one block writes across the query tables. */
export function blockRows(b: IndexedBlock, bucketSize: number): BlockRows {
  const { block } = b;
  const n = block.number;
  const bucket = bucketOf(n, bucketSize);
  const derived: Row[] = [];
  const buckets = new Map<string, [string, "tx" | "tt", number]>();
  const addBucket = (address: string, kind: "tx" | "tt") =>
    buckets.set(`${address}/${kind}`, [address, kind, bucket]);

  const receipts = new Map(b.receipts.map((r) => [r.transactionHash, r]));
  const logsByTx = groupBy(b.logs, (l: Log) => l.transactionHash);
  const transfersByTx = groupBy(b.tokenTransfers, (t: TokenTransfer) => t.transactionHash);

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
      table: "token_transfers_by_token",
      values: [t.token, bucket, n, t.logIndex, t.batchIndex, json],
    });
  }
  const data = JSON.stringify(block);
  return {
    derived,
    block: [
      { table: "blocks_by_hash", values: [block.hash, n, data] },
      { table: "blocks_by_number", values: [bucket, n, block.hash, data] },
    ],
    buckets: [...buckets.values()],
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
