import { randomBytes } from "node:crypto";
import { type HoldingDelta, holdingDeltas, holdingIdKey } from "@chainlog/ports";
import { blockStatsOf, type TokenTransfer } from "@chainlog/tx-schema";
import { SchemaVersionError } from "./errors.ts";
import { type Db, num, prepareRaw, readTransaction, toBuffer, writeTransaction } from "./sqlite.ts";

/** A decoded-event table: keyed like logs (block, log index), the transaction's index beside the record. */
const eventTable = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
  ) WITHOUT ROWID;`;
/** An event table's address index: one row per address an event names, paged newest first. */
const eventsByAddress = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
    address TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    PRIMARY KEY (address, block_number, log_index)
  ) WITHOUT ROWID;`;

/*
 * Operational state (ingest cursors, service status reports): the tables a service may open alone, without the
 * chain tables (see migrateOperationalState). Defined once; the chain schema versions below create them too.
 */
const CURSORS_TABLE = "CREATE TABLE IF NOT EXISTS cursors (name BLOB PRIMARY KEY, data TEXT NOT NULL);";
const SERVICE_STATUSES_TABLE = `CREATE TABLE IF NOT EXISTS service_statuses (
    service TEXT NOT NULL,
    instance BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (service, instance)
  ) WITHOUT ROWID;`;

/*
 * One block per height: the canonical chain as ingest last reported it. Every derived row carries its block's
 * number and hash, and since a height holds one block, "delete the rows of block X" is a delete by number.
 * Records are kept whole as JSON (they are tx-schema records, validated where they entered the system); the
 * columns beside them are only what lookups and ordering need. A receipt shares its transaction's row, and the
 * address indexes have no by-block index: every B-tree less is a write less per transaction, and the rare
 * delete of a height finds its index rows through the addresses of that height's transactions instead. (v1 also
 * indexed transactions by their whole hash; v8 replaced that index, so it is not created here.)
 */
export const SCHEMA_V1 = `
  CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS transactions (
    block_number INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    hash TEXT NOT NULL,
    block_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    receipt TEXT,
    PRIMARY KEY (block_number, tx_index)
  );
  CREATE TABLE IF NOT EXISTS logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS token_transfers (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    batch_index INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index, batch_index)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS address_txs (
    address TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    PRIMARY KEY (address, block_number, tx_index)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS address_token_transfers (
    address TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    batch_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    PRIMARY KEY (address, block_number, log_index, batch_index)
  ) WITHOUT ROWID;
  ${CURSORS_TABLE}
`;

/*
 * Derived rows. Event rows are keyed like logs (block, log index) and read per transaction through the block
 * prefix. Lookups by token, swapper, contract, price series and watched address each get the one index that
 * makes a page a range scan; tables whose keys do not start with the block number get a by-block index so a
 * rollback finds their rows (they are a few per block, unlike address rows). Token transfers by token use an
 * index on an expression of the stored record, so upgrading a v1 file indexes its existing transfers too.
 */
const SCHEMA_V2 = `
  CREATE INDEX IF NOT EXISTS token_transfers_by_token
    ON token_transfers (json_extract(data, '$.token'), block_number, log_index, batch_index);
  ${eventTable("swaps")}
  ${eventsByAddress("address_swaps")}
  ${eventTable("approvals")}
  ${eventTable("weth_events")}
  CREATE TABLE IF NOT EXISTS contract_creations (
    block_number INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    address TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (block_number, tx_index, address)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS contract_creations_by_address ON contract_creations (address, block_number);
  CREATE TABLE IF NOT EXISTS price_points (
    token TEXT NOT NULL,
    quote TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (token, quote, block_number, log_index)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS price_points_by_block ON price_points (block_number);
  CREATE TABLE IF NOT EXISTS balances (
    address TEXT NOT NULL,
    token TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (address, token, block_number)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS balances_by_block ON balances (block_number);
  CREATE TABLE IF NOT EXISTS block_stats (
    block_number INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS block_stats_by_day ON block_stats (day, block_number);
  CREATE TABLE IF NOT EXISTS tokens (
    address TEXT PRIMARY KEY,
    symbol_key BLOB,
    data TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS tokens_by_symbol ON tokens (symbol_key, address);
  ${SERVICE_STATUSES_TABLE}
`;

/*
 * The enrichment stage's mark per block: a stored block without one is still being enriched. Keyed by height
 * like the block, so a rollback or a replacement removes it with the block.
 */
const SCHEMA_V3 = `
  CREATE TABLE IF NOT EXISTS enrichment (
    block_number INTEGER PRIMARY KEY,
    block_hash TEXT NOT NULL,
    data TEXT NOT NULL
  );
`;

/*
 * Internal transactions (call frames from the traces), keyed like a transaction's rows by block and index plus
 * the frame's position in trace order; the address index pages them from or to an address. Written by the
 * enrichment stage, deleted with their height.
 */
const SCHEMA_V4 = `
  CREATE TABLE IF NOT EXISTS internal_txs (
    block_number INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (block_number, tx_index, position)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS address_internal_txs (
    address TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    tx_index INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (address, block_number, tx_index, position)
  ) WITHOUT ROWID;
`;

/*
 * Holdings: what each address holds of each token (and token id), kept as blocks are written, replaced and rolled
 * back, so a balance answer reads one range of rows instead of summing the address's transfers. Token ids are
 * 64 hex digits ('' for ERC-20) so the key orders them numerically; balances are signed decimals (uint256 does
 * not fit SQLite's integers).
 */
const SCHEMA_V5 = `
  CREATE TABLE IF NOT EXISTS holdings (
    address TEXT NOT NULL,
    token TEXT NOT NULL,
    token_id TEXT NOT NULL,
    standard TEXT NOT NULL,
    balance TEXT NOT NULL,
    PRIMARY KEY (address, token, token_id)
  ) WITHOUT ROWID;
`;

/*
 * ERC-4626 vault events (Deposit/Withdraw of any vault), keyed like the other events; the address index finds a
 * staker's events under each party (owner, sender, receiver) once, the way swaps are found.
 */
const SCHEMA_V6 = `
  ${eventTable("vault_events")}
  ${eventsByAddress("address_vault_events")}
`;

/*
 * v7 keeps a receipt without what its transaction's row already says (tx-schema's compactReceipt: its hash,
 * index, block, sender, recipient, type, and the empty bloom of a receipt without logs), a fifth of the file on a
 * busy chain. It needs no SQL: nothing is rewritten, and receipts stored whole read as they are. Older versions
 * refuse a v7 file.
 */

/*
 * v8 finds a transaction by its hash through the hash's first 12 hex digits (48 bits) instead of the whole hash:
 * the index takes its rows at random places, so each store transaction rewrote most of its pages; at 13 bytes a
 * row instead of 70 it has a fifth of the pages (a backfill writes about 16% fewer bytes), and a bigger share of
 * it stays in the cache as the chain grows. A lookup compares the whole hash of the few rows a prefix finds.
 */
const SCHEMA_V8 = `
  DROP INDEX IF EXISTS transactions_by_hash;
  CREATE INDEX IF NOT EXISTS transactions_by_hash_prefix ON transactions (substr(hash, 3, 12));
`;

export const STORE_SCHEMA_VERSION = 8;

/**
 * The address-index rows of one height, found through the addresses its source rows name (each a column and a
 * JSON path in it): the address indexes have no by-block index of their own.
 */
const deleteIndexAt = (index: string, source: string, addresses: Array<[column: string, path: string]>) =>
  `DELETE FROM ${index} WHERE block_number = ?1 AND address IN (
     ${addresses.map(([column, path]) => `SELECT json_extract(${column}, '$.${path}') FROM ${source} WHERE block_number = ?1`).join("\n     UNION ")})`;

/** Deletes every row of the block at one height; address index rows first, found through that height's rows. */
export const DELETE_HEIGHT = [
  deleteIndexAt("address_txs", "transactions", [
    ["data", "from"],
    ["data", "to"],
    ["receipt", "contractAddress"],
  ]),
  deleteIndexAt("address_token_transfers", "token_transfers", [
    ["data", "from"],
    ["data", "to"],
  ]),
  deleteIndexAt("address_swaps", "swaps", [
    ["data", "transactionFrom"],
    ["data", "sender"],
    ["data", "recipient"],
  ]),
  deleteIndexAt("address_vault_events", "vault_events", [
    ["data", "owner"],
    ["data", "sender"],
    ["data", "receiver"],
  ]),
  deleteIndexAt("address_internal_txs", "internal_txs", [
    ["data", "from"],
    ["data", "to"],
  ]),
  "DELETE FROM internal_txs WHERE block_number = ?1",
  "DELETE FROM transactions WHERE block_number = ?1",
  "DELETE FROM logs WHERE block_number = ?1",
  "DELETE FROM token_transfers WHERE block_number = ?1",
  "DELETE FROM swaps WHERE block_number = ?1",
  "DELETE FROM approvals WHERE block_number = ?1",
  "DELETE FROM weth_events WHERE block_number = ?1",
  "DELETE FROM vault_events WHERE block_number = ?1",
  "DELETE FROM contract_creations WHERE block_number = ?1",
  "DELETE FROM price_points WHERE block_number = ?1",
  "DELETE FROM balances WHERE block_number = ?1",
  "DELETE FROM block_stats WHERE block_number = ?1",
  "DELETE FROM enrichment WHERE block_number = ?1",
  "DELETE FROM blocks WHERE number = ?1",
] as const;

/**
 * Creates or upgrades the schema and returns this store's secret for signing pagination cursors. Runs in one
 * write transaction, so processes opening the file at once upgrade it once, and a failed upgrade leaves v1 whole.
 * A file already at this version is only read: every service opens the store at start, and the readers would
 * otherwise queue for the write lock behind the processor's batches.
 */
export function migrateStore(db: Db): Buffer {
  const current = readTransaction(db, () => currentSecret(db));
  if (current) return current;
  return writeTransaction(db, () => {
    db.exec(SCHEMA_V1);
    const version = readVersion(db);
    if (version > STORE_SCHEMA_VERSION) throw new SchemaVersionError(version, STORE_SCHEMA_VERSION);
    if (version < 2) {
      db.exec(SCHEMA_V2);
      if (version === 1) backfillV1(db);
    }
    // blocks stored before the enrichment stage existed were enriched inline: they count as enriched as they are
    if (version < 3) {
      db.exec(SCHEMA_V3);
      if (version > 0)
        db.exec(`INSERT OR IGNORE INTO enrichment (block_number, block_hash, data)
          SELECT number, hash, json_object('blockNumber', number, 'blockHash', hash, 'traces', 'none',
            'tokens', 'none', 'pools', 'none', 'balances', 'none', 'enrichedAt', 0) FROM blocks`);
    }
    // blocks traced before v4 kept only their traced creations: their internal transactions were never stored
    if (version < 4) db.exec(SCHEMA_V4);
    // transfers stored before v5 are summed into the holdings once, in this same transaction
    if (version < 5) {
      db.exec(SCHEMA_V5);
      if (version > 0) backfillHoldings(db);
    }
    // blocks stored before v6 were not decoded for vault events: a re-index of that range adds them
    if (version < 6) db.exec(SCHEMA_V6);
    if (version < 8) db.exec(SCHEMA_V8);
    if (version !== STORE_SCHEMA_VERSION)
      prepareRaw(db, "INSERT OR REPLACE INTO meta (k, v) VALUES ('schema_version', ?)").run([
        STORE_SCHEMA_VERSION,
      ]);
    const existing = readSecret(db);
    if (existing) return existing;
    const secret = randomBytes(32);
    prepareRaw(db, "INSERT INTO meta (k, v) VALUES ('cursor_secret', ?)").run([secret]);
    return secret;
  });
}

/**
 * Creates the operational-state tables only (cursors, service statuses), leaving the chain tables to whoever opens
 * the whole store; a file written by a newer Chainlog is refused as migrateStore refuses it. A file that has both
 * tables already is checked by a read, as migrateStore opens a current file: no write lock to queue for behind the
 * processor's batches.
 */
export function migrateOperationalState(db: Db): void {
  const ready = readTransaction(db, () => {
    checkVersion(db);
    return (
      num(
        prepareRaw(
          db,
          "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('cursors', 'service_statuses')",
        ).get()![0],
      ) === 2
    );
  });
  if (ready) return;
  writeTransaction(db, () => {
    db.exec(`${CURSORS_TABLE}\n${SERVICE_STATUSES_TABLE}`);
    checkVersion(db);
  });
}

/** Refuses a file written by a newer Chainlog. */
function checkVersion(db: Db): void {
  const version = fileVersion(db);
  if (version > STORE_SCHEMA_VERSION) throw new SchemaVersionError(version, STORE_SCHEMA_VERSION);
}

/** The cursor secret of a file at this schema version; null when the file needs creating or upgrading. */
function currentSecret(db: Db): Buffer | null {
  return fileVersion(db) === STORE_SCHEMA_VERSION ? readSecret(db) : null;
}

/** The file's schema version; 0 for a file without the chain schema's meta table (new, or operational state only). */
function fileVersion(db: Db): number {
  const hasMeta = prepareRaw(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  return hasMeta ? readVersion(db) : 0;
}

function readSecret(db: Db): Buffer | null {
  const row = prepareRaw(db, "SELECT v FROM meta WHERE k = 'cursor_secret'").get();
  return row ? toBuffer(row[0]) : null;
}

/** v1 files carry no version row: they are the ones with a cursor secret already. */
function readVersion(db: Db): number {
  const row = prepareRaw(db, "SELECT v FROM meta WHERE k = 'schema_version'").get();
  if (row) return Number(String(row[0]));
  return prepareRaw(db, "SELECT 1 FROM meta WHERE k = 'cursor_secret'").get() ? 1 : 0;
}

/** v1 blocks get the derived rows that can be had from what v1 stored: creations from receipts, and stats. */
function backfillV1(db: Db): void {
  db.exec(`
    INSERT OR IGNORE INTO contract_creations (block_number, tx_index, address, data)
    SELECT block_number, tx_index, json_extract(receipt, '$.contractAddress'), json_object(
      'address', json_extract(receipt, '$.contractAddress'), 'creator', json_extract(data, '$.from'),
      'blockNumber', block_number, 'blockHash', block_hash, 'transactionHash', hash, 'transactionIndex', tx_index,
      'source', 'receipt')
    FROM transactions
    WHERE json_extract(receipt, '$.contractAddress') IS NOT NULL AND json_extract(receipt, '$.status') = 1`);
  backfillBlockStats(db);
}

/**
 * Blocks written by v1 have no stats row; daily stats need one per block. v1 kept no chain id beside a block, so
 * it comes from the ingest cursors or typed transactions; a file with neither has nothing to derive it from and
 * its old blocks stay out of the daily figures.
 */
function backfillBlockStats(db: Db): void {
  const fromCursor = prepareRaw(db, "SELECT json_extract(data, '$.chainId') FROM cursors LIMIT 1").get();
  const fromTx = prepareRaw(
    db,
    "SELECT json_extract(data, '$.chainId') FROM transactions WHERE json_extract(data, '$.chainId') IS NOT NULL LIMIT 1",
  ).get();
  const chainId = Number(fromCursor?.[0] ?? fromTx?.[0] ?? Number.NaN);
  if (!Number.isSafeInteger(chainId) || chainId < 1) return;
  const blocks = prepareRaw(
    db,
    `SELECT number, hash, json_extract(data, '$.timestamp') FROM blocks
     WHERE number NOT IN (SELECT block_number FROM block_stats) ORDER BY number`,
  );
  const txs = prepareRaw(
    db,
    `SELECT json_extract(data, '$.from'), json_extract(data, '$.to'),
            json_extract(receipt, '$.gasUsed'), json_extract(receipt, '$.effectiveGasPrice'), receipt IS NULL
     FROM transactions WHERE block_number = ? ORDER BY tx_index`,
  );
  const tokens = prepareRaw(
    db,
    "SELECT json_extract(data, '$.token') FROM token_transfers WHERE block_number = ?",
  );
  const insert = prepareRaw(
    db,
    "INSERT OR REPLACE INTO block_stats (block_number, day, data) VALUES (?, ?, ?)",
  );
  for (const [number, hash, timestamp] of blocks.all()) {
    const n = num(number);
    const rows = txs.all([n]);
    const stats = blockStatsOf({
      chainId,
      block: { number: n, hash: String(hash), timestamp: num(timestamp) },
      transactions: rows.map((r) => ({ from: String(r[0]), to: r[1] === null ? null : String(r[1]) })),
      receipts: rows
        .filter((r) => !num(r[4]))
        .map((r) => ({ gasUsed: String(r[2]), effectiveGasPrice: r[3] === null ? null : String(r[3]) })),
      tokenTransfers: tokens.all([n]).map((r) => ({ token: String(r[0]) })),
    });
    insert.run([n, stats.day, JSON.stringify(stats)]);
  }
}

/**
 * Sums every stored transfer into the holdings table (empty before: it was just created), a page of transfers at
 * a time in key order, so memory holds one page and the sums.
 */
function backfillHoldings(db: Db): void {
  const page = prepareRaw(
    db,
    `SELECT block_number, log_index, batch_index, data FROM token_transfers
     WHERE (block_number, log_index, batch_index) > (?, ?, ?)
     ORDER BY block_number, log_index, batch_index LIMIT 10000`,
  );
  const sums = new Map<string, HoldingDelta>();
  let after: [number, number, number] = [-1, -1, -1];
  for (let rows = page.all(after); rows.length > 0; rows = page.all(after)) {
    for (const d of holdingDeltas(rows.map((r) => JSON.parse(String(r[3])) as TokenTransfer))) {
      const key = `${d.address}/${d.token}/${d.tokenId ?? ""}`;
      const held = sums.get(key);
      if (held) held.delta += d.delta;
      else sums.set(key, d);
    }
    const last = rows[rows.length - 1]!;
    after = [num(last[0]), num(last[1]), num(last[2])];
  }
  const insert = prepareRaw(
    db,
    "INSERT INTO holdings (address, token, token_id, standard, balance) VALUES (?, ?, ?, ?, ?)",
  );
  for (const d of sums.values())
    if (d.delta !== 0n)
      insert.run([d.address, d.token, holdingIdKey(d.tokenId), d.standard, d.delta.toString()]);
}
