/**
 * The tables a block writes rows into, with the primary-key columns (partition key first) and the data columns.
 * writeBlocks records every row's key in rows_by_height, so a rollback or a replacement deletes exactly what
 * was written, including the rows of a write that died half-way.
 */
export const BlockTables = {
  blocks_by_number: { partition: 1, key: ["bucket", "number"], data: ["hash", "data"] },
  blocks_by_hash: { partition: 1, key: ["hash"], data: ["number", "data"] },
  tx_by_hash: {
    partition: 1,
    key: ["hash"],
    data: [
      "block_hash",
      "block_number",
      "tx_index",
      "tx",
      "receipt",
      "logs",
      "transfers",
      "swaps",
      "approvals",
      "weth_events",
      "creations",
    ],
  },
  txs_by_block: { partition: 1, key: ["block_hash", "tx_index"], data: ["tx"] },
  txs_by_address: { partition: 2, key: ["address", "bucket", "block_number", "tx_index"], data: ["tx"] },
  token_transfers_by_address: {
    partition: 2,
    key: ["address", "bucket", "block_number", "log_index", "batch_index"],
    data: ["transfer"],
  },
  /** Schema v1, no longer written: kept so height indexes recorded before v2 can still delete their rows. */
  token_transfers_by_token: {
    partition: 2,
    key: ["token_address", "bucket", "block_number", "log_index", "batch_index"],
    data: ["transfer"],
  },
  transfers_by_token: {
    partition: 2,
    key: ["token_address", "bucket", "block_number", "log_index", "batch_index"],
    data: ["transfer"],
  },
  swaps_by_address: { partition: 2, key: ["address", "bucket", "block_number", "log_index"], data: ["swap"] },
  vault_events_by_address: {
    partition: 2,
    key: ["address", "bucket", "block_number", "log_index"],
    data: ["event"],
  },
  creations_by_address: { partition: 1, key: ["address", "block_number", "tx_index"], data: ["creation"] },
  internal_txs_by_tx: { partition: 1, key: ["tx_hash", "block_hash", "position"], data: ["itx"] },
  internal_txs_by_address: {
    partition: 2,
    key: ["address", "bucket", "block_number", "tx_index", "position"],
    data: ["itx"],
  },
  prices: {
    partition: 3,
    key: ["token_address", "quote", "day", "ts", "block_number", "log_index"],
    data: ["point"],
  },
  balances: { partition: 2, key: ["address", "token_address", "block_number"], data: ["snapshot"] },
  holding_deltas: {
    partition: 1,
    key: ["address", "token_address", "token_id", "block_number"],
    data: ["standard", "delta"],
  },
  block_stats_by_day: { partition: 1, key: ["day", "block_number"], data: ["stats"] },
  enrichment_by_number: { partition: 1, key: ["bucket", "number"], data: ["hash", "mark"] },
  enrichment_by_hash: { partition: 1, key: ["hash"], data: ["mark"] },
} as const;

export type BlockTable = keyof typeof BlockTables;

export function isBlockTable(name: string): name is BlockTable {
  return Object.hasOwn(BlockTables, name);
}

export function insertCql(keyspace: string, table: BlockTable): string {
  const t = BlockTables[table];
  const cols = [...t.key, ...t.data];
  return `INSERT INTO ${keyspace}.${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
}

/** The partition-key values of a row's key: rows that share them may travel in one unlogged batch. */
export function partitionOf(table: BlockTable, key: readonly unknown[]): unknown[] {
  return key.slice(0, BlockTables[table].partition);
}

export function deleteCql(keyspace: string, table: BlockTable): string {
  const where = BlockTables[table].key.map((c) => `${c} = ?`).join(" AND ");
  return `DELETE FROM ${keyspace}.${table} WHERE ${where}`;
}
