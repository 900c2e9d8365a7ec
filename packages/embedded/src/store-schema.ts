import { randomBytes } from "node:crypto";
import { type Db, prepareRaw, toBuffer, writeTransaction } from "./sqlite.ts";

/*
 * One block per height: the canonical chain as ingest last reported it. Every derived row carries its block's
 * number and hash, and since a height holds one block, "delete the rows of block X" is a delete by number.
 * Records are kept whole as JSON (they are tx-schema records, validated where they entered the system); the
 * columns beside them are only what lookups and ordering need. A receipt shares its transaction's row, and the
 * address indexes have no by-block index: every B-tree less is a write less per transaction, and the rare
 * delete of a height finds its index rows through the addresses of that height's transactions instead.
 */
const SCHEMA = `
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
  CREATE INDEX IF NOT EXISTS transactions_by_hash ON transactions (hash);
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
  CREATE TABLE IF NOT EXISTS cursors (name BLOB PRIMARY KEY, data TEXT NOT NULL);
`;

/** Deletes every row of the block at one height; address index rows first, found through that height's rows. */
export const DELETE_HEIGHT = [
  `DELETE FROM address_txs WHERE block_number = ?1 AND address IN (
     SELECT json_extract(data, '$.from') FROM transactions WHERE block_number = ?1
     UNION SELECT json_extract(data, '$.to') FROM transactions WHERE block_number = ?1
     UNION SELECT json_extract(receipt, '$.contractAddress') FROM transactions WHERE block_number = ?1)`,
  `DELETE FROM address_token_transfers WHERE block_number = ?1 AND address IN (
     SELECT json_extract(data, '$.from') FROM token_transfers WHERE block_number = ?1
     UNION SELECT json_extract(data, '$.to') FROM token_transfers WHERE block_number = ?1)`,
  "DELETE FROM transactions WHERE block_number = ?1",
  "DELETE FROM logs WHERE block_number = ?1",
  "DELETE FROM token_transfers WHERE block_number = ?1",
  "DELETE FROM blocks WHERE number = ?1",
] as const;

/** Creates the schema and returns this store's secret for signing pagination cursors. */
export function migrateStore(db: Db): Buffer {
  return writeTransaction(db, () => {
    db.exec(SCHEMA);
    const get = prepareRaw(db, "SELECT v FROM meta WHERE k = 'cursor_secret'");
    const row = get.get();
    if (row) return toBuffer(row[0]);
    const secret = randomBytes(32);
    prepareRaw(db, "INSERT INTO meta (k, v) VALUES ('cursor_secret', ?)").run([secret]);
    return secret;
  });
}
