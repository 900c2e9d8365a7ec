/**
 * Versioned, append-only: a released migration is never edited, a change is a new version. Every statement is
 * idempotent (IF NOT EXISTS) so a migration interrupted half-way can simply run again.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (keyspace: string) => string[];
}

const desc = (cols: string[]) => `WITH CLUSTERING ORDER BY (${cols.map((c) => `${c} DESC`).join(", ")})`;

export const Migrations: Migration[] = [
  {
    version: 1,
    name: "query-first block, transaction and token-transfer tables",
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.store_meta (k text PRIMARY KEY, v blob)`,
      // canonical chain: one block per height; buckets keep the partitions bounded and give "latest" cheaply
      `CREATE TABLE IF NOT EXISTS ${ks}.blocks_by_number (bucket bigint, number bigint, hash text, data text,
         PRIMARY KEY ((bucket), number)) ${desc(["number"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.block_buckets (id int, bucket bigint, PRIMARY KEY ((id), bucket))
         ${desc(["bucket"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.blocks_by_hash (hash text PRIMARY KEY, number bigint, data text)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.tx_by_hash (hash text PRIMARY KEY, block_hash text, block_number bigint,
         tx_index int, tx text, receipt text, logs text, transfers text)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.txs_by_block (block_hash text, tx_index int, tx text,
         PRIMARY KEY ((block_hash), tx_index))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.txs_by_address (address text, bucket bigint, block_number bigint,
         tx_index int, tx text, PRIMARY KEY ((address, bucket), block_number, tx_index))
         ${desc(["block_number", "tx_index"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.token_transfers_by_address (address text, bucket bigint,
         block_number bigint, log_index bigint, batch_index int, transfer text,
         PRIMARY KEY ((address, bucket), block_number, log_index, batch_index))
         ${desc(["block_number", "log_index", "batch_index"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.token_transfers_by_token (token_address text, bucket bigint,
         block_number bigint, log_index bigint, batch_index int, transfer text,
         PRIMARY KEY ((token_address, bucket), block_number, log_index, batch_index))
         ${desc(["block_number", "log_index", "batch_index"])}`,
      // which buckets an address has rows in (kind 'tx' or 'tt'), so paging never scans empty buckets
      `CREATE TABLE IF NOT EXISTS ${ks}.address_buckets (address text, kind text, bucket bigint,
         PRIMARY KEY ((address, kind), bucket)) ${desc(["bucket"])}`,
      // every row key a block wrote ([table, key] JSON, chunked), found by height for rollback and replacement
      `CREATE TABLE IF NOT EXISTS ${ks}.rows_by_height (block_number bigint, block_hash text, chunk int, keys text,
         PRIMARY KEY ((block_number), block_hash, chunk))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.cursors (name text PRIMARY KEY, data text)`,
    ],
  },
];
