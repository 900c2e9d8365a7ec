/**
 * The tables a block writes rows into, with the primary-key columns (partition key first) and the data columns.
 * writeBlocks records every row's key in rows_by_height, so a rollback or a replacement deletes exactly what
 * was written, including the rows of a write that died half-way.
 */
export const BlockTables = {
  blocks_by_number: { key: ["bucket", "number"], data: ["hash", "data"] },
  blocks_by_hash: { key: ["hash"], data: ["number", "data"] },
  tx_by_hash: {
    key: ["hash"],
    data: ["block_hash", "block_number", "tx_index", "tx", "receipt", "logs", "transfers"],
  },
  txs_by_block: { key: ["block_hash", "tx_index"], data: ["tx"] },
  txs_by_address: { key: ["address", "bucket", "block_number", "tx_index"], data: ["tx"] },
  token_transfers_by_address: {
    key: ["address", "bucket", "block_number", "log_index", "batch_index"],
    data: ["transfer"],
  },
  token_transfers_by_token: {
    key: ["token_address", "bucket", "block_number", "log_index", "batch_index"],
    data: ["transfer"],
  },
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

export function deleteCql(keyspace: string, table: BlockTable): string {
  const where = BlockTables[table].key.map((c) => `${c} = ?`).join(" AND ");
  return `DELETE FROM ${keyspace}.${table} WHERE ${where}`;
}
