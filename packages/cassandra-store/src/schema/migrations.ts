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

/*
 * Operational state (ingest cursors, service status reports) is defined once here: the chain migrations 1 and 2
 * created these tables, and the operational track below creates them for a process that opens nothing else.
 */
const cursorsTable = (ks: string) =>
  `CREATE TABLE IF NOT EXISTS ${ks}.cursors (name text PRIMARY KEY, data text)`;
// one small partition; the TTL drops reports of instances that stopped reporting
const serviceStatusTable = (ks: string) =>
  `CREATE TABLE IF NOT EXISTS ${ks}.service_status (id int, service text, instance text, updated_at bigint,
     data text, PRIMARY KEY ((id), service, instance)) WITH default_time_to_live = 86400`;

/**
 * The operational state's own track, numbered apart from the chain's: what a service that keeps only cursors and
 * status reports (ingest) migrates. On a keyspace the chain migrations made, it finds its tables there.
 */
export const OperationalMigrations: Migration[] = [
  {
    version: 1001,
    name: "operational state: ingest cursors and service status reports",
    statements: (ks) => [cursorsTable(ks), serviceStatusTable(ks)],
  },
];

const ChainMigrations: Migration[] = [
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
      cursorsTable(ks),
    ],
  },
  {
    version: 2,
    name: "decoded events, tokens, prices, balances, block stats and service status",
    statements: (ks) => [
      // a transaction's decoded events travel with it: getTransaction stays one single-row read
      ...["swaps", "approvals", "weth_events", "creations"].map(
        (c) => `ALTER TABLE ${ks}.tx_by_hash ADD IF NOT EXISTS ${c} text`,
      ),
      // finer buckets than address tables (bucket size / 100 blocks): a busy token moves far more rows than a
      // busy address; supersedes token_transfers_by_token, which is kept only so old height indexes can delete
      `CREATE TABLE IF NOT EXISTS ${ks}.transfers_by_token (token_address text, bucket bigint, block_number bigint,
         log_index bigint, batch_index int, transfer text,
         PRIMARY KEY ((token_address, bucket), block_number, log_index, batch_index))
         ${desc(["block_number", "log_index", "batch_index"])}`,
      // one row per distinct party (tx sender, event sender, recipient): a swap is read once per address
      `CREATE TABLE IF NOT EXISTS ${ks}.swaps_by_address (address text, bucket bigint, block_number bigint,
         log_index bigint, swap text, PRIMARY KEY ((address, bucket), block_number, log_index))
         ${desc(["block_number", "log_index"])}`,
      // newest creation first: a CREATE2 address redeployed after SELFDESTRUCT keeps its history
      `CREATE TABLE IF NOT EXISTS ${ks}.creations_by_address (address text, block_number bigint, tx_index int,
         creation text, PRIMARY KEY ((address), block_number, tx_index)) ${desc(["block_number", "tx_index"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.tokens (address text PRIMARY KEY, data text)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.tokens_by_symbol (symbol text, address text, data text,
         PRIMARY KEY ((symbol), address))`,
      // day buckets (of the block timestamp) so a time window selects its partitions directly
      `CREATE TABLE IF NOT EXISTS ${ks}.prices (token_address text, quote text, day bigint, ts bigint, block_number bigint,
         log_index bigint, point text, PRIMARY KEY ((token_address, quote, day), ts, block_number, log_index))
         ${desc(["ts", "block_number", "log_index"])}`,
      // newest first per (address, asset): the latest snapshot is the partition's first row, however long the
      // history; balance_tokens lists an address's assets (never deleted: an asset rolled back reads empty)
      `CREATE TABLE IF NOT EXISTS ${ks}.balances (address text, token_address text, block_number bigint,
         snapshot text, PRIMARY KEY ((address, token_address), block_number)) ${desc(["block_number"])}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.balance_tokens (address text, token_address text,
         PRIMARY KEY ((address), token_address))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.block_stats_by_day (day text, block_number bigint, stats text,
         PRIMARY KEY ((day), block_number))`,
      serviceStatusTable(ks),
    ],
  },
  {
    version: 3,
    name: "the enrichment stage's marks, and contracts created by contracts beside a transaction's own",
    statements: (ks) => [
      // by height for the status scans (same buckets as blocks_by_number), by hash for the API
      `CREATE TABLE IF NOT EXISTS ${ks}.enrichment_by_number (bucket bigint, number bigint, hash text, mark text,
         PRIMARY KEY ((bucket), number))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.enrichment_by_hash (hash text PRIMARY KEY, mark text)`,
      `ALTER TABLE ${ks}.tx_by_hash ADD IF NOT EXISTS traced_creations text`,
    ],
  },
  {
    version: 4,
    name: "internal transactions (call frames from the traces) by transaction and by address",
    statements: (ks) => [
      // clustered by block hash too: a transaction mined again in a fork block keeps each block's frames apart
      `CREATE TABLE IF NOT EXISTS ${ks}.internal_txs_by_tx (tx_hash text, block_hash text, position int, itx text,
         PRIMARY KEY ((tx_hash), block_hash, position))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.internal_txs_by_address (address text, bucket bigint, block_number bigint,
         tx_index int, position int, itx text, PRIMARY KEY ((address, bucket), block_number, tx_index, position))
         ${desc(["block_number", "tx_index", "position"])}`,
    ],
  },
  {
    version: 5,
    name: "holdings: each block's net transfer change per (address, token, token id)",
    statements: (ks) => [
      // one row per block and holding, written and deleted with its block like every derived row (the height
      // index finds it): no read-before-write, so concurrent writers, replays and reorgs stay exact, and a read
      // sums one partition's rows. Token ids are 64 hex digits ('' for ERC-20) so they cluster numerically;
      // deltas are signed decimals (Cassandra counters are 64-bit and not idempotent)
      `CREATE TABLE IF NOT EXISTS ${ks}.holding_deltas (address text, token_address text, token_id text,
         block_number bigint, standard text, delta text,
         PRIMARY KEY ((address), token_address, token_id, block_number))`,
    ],
  },
  {
    version: 6,
    name: "ERC-4626 vault events by party",
    statements: (ks) => [
      // one row per distinct party (owner, sender, receiver), like swaps: a staker's events read once each
      `CREATE TABLE IF NOT EXISTS ${ks}.vault_events_by_address (address text, bucket bigint, block_number bigint,
         log_index bigint, event text, PRIMARY KEY ((address, bucket), block_number, log_index))
         ${desc(["block_number", "log_index"])}`,
    ],
  },
];

/** Everything the whole store needs: the chain's migrations, then the operational state's. */
export const Migrations: Migration[] = [...ChainMigrations, ...OperationalMigrations];
