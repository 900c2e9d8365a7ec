import type { IndexedBlock, Page, PageQuery, Store, StoreHealth, TransactionDetail } from "@chainlog/ports";
import { createPageCursors } from "@chainlog/ports";
import type {
  Block,
  BlockRef,
  IngestCursor,
  Log,
  Receipt,
  TokenTransfer,
  Transaction,
} from "@chainlog/tx-schema";
import { num, openDatabase, prepareRaw, text, writeTransaction } from "./sqlite.ts";
import { DELETE_HEIGHT, migrateStore } from "./store-schema.ts";

export interface SqliteStoreOptions {
  path: string;
}

export const MAX_PAGE_SIZE = 1000;

function pageLimit(page: PageQuery): number {
  const { limit } = page;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new RangeError(`page limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

const parse = <T>(value: unknown): T => JSON.parse(String(value)) as T;

/** The Store port on one SQLite file. Every writeBlocks call is one transaction with prepared statements. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options.path);
  const cursors = createPageCursors(migrateStore(db));

  const q = {
    blockAt: prepareRaw(db, "SELECT hash FROM blocks WHERE number = ?"),
    numberOf: prepareRaw(db, "SELECT number FROM blocks WHERE hash = ?"),
    deleteAt: DELETE_HEIGHT.map((sql) => prepareRaw(db, sql)),
    insertBlock: prepareRaw(db, "INSERT INTO blocks (number, hash, data) VALUES (?, ?, ?)"),
    insertTx: prepareRaw(
      db,
      `INSERT OR REPLACE INTO transactions (block_number, tx_index, hash, block_hash, data, receipt)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    insertLog: prepareRaw(
      db,
      "INSERT OR REPLACE INTO logs (block_number, log_index, tx_index, block_hash, data) VALUES (?, ?, ?, ?, ?)",
    ),
    insertTransfer: prepareRaw(
      db,
      `INSERT OR REPLACE INTO token_transfers (block_number, log_index, batch_index, tx_index, block_hash, data)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    indexTx: prepareRaw(
      db,
      "INSERT OR IGNORE INTO address_txs (address, block_number, tx_index, block_hash) VALUES (?, ?, ?, ?)",
    ),
    indexTransfer: prepareRaw(
      db,
      `INSERT OR IGNORE INTO address_token_transfers (address, block_number, log_index, batch_index, block_hash)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    latest: prepareRaw(db, "SELECT data FROM blocks ORDER BY number DESC LIMIT 1"),
    byNumber: prepareRaw(db, "SELECT data FROM blocks WHERE number = ?"),
    byHash: prepareRaw(db, "SELECT data FROM blocks WHERE hash = ?"),
    blockTxs: prepareRaw(
      db,
      "SELECT tx_index, data FROM transactions WHERE block_number = ? AND tx_index > ? ORDER BY tx_index LIMIT ?",
    ),
    tx: prepareRaw(
      db,
      "SELECT block_number, tx_index, data, receipt FROM transactions WHERE hash = ? ORDER BY block_number DESC LIMIT 1",
    ),

    txLogs: prepareRaw(
      db,
      "SELECT data FROM logs WHERE block_number = ? AND tx_index = ? ORDER BY log_index",
    ),
    txTransfers: prepareRaw(
      db,
      "SELECT data FROM token_transfers WHERE block_number = ? AND tx_index = ? ORDER BY log_index, batch_index",
    ),
    addressTxs: prepareRaw(
      db,
      `SELECT a.block_number, a.tx_index, t.data FROM address_txs a
       JOIN transactions t ON t.block_number = a.block_number AND t.tx_index = a.tx_index
         AND t.block_hash = a.block_hash
       WHERE a.address = ? AND (a.block_number, a.tx_index) < (?, ?)
       ORDER BY a.block_number DESC, a.tx_index DESC LIMIT ?`,
    ),
    addressTransfers: prepareRaw(
      db,
      `SELECT a.block_number, a.log_index, a.batch_index, t.data FROM address_token_transfers a
       JOIN token_transfers t ON t.block_number = a.block_number AND t.log_index = a.log_index
         AND t.batch_index = a.batch_index AND t.block_hash = a.block_hash
       WHERE a.address = ? AND (a.block_number, a.log_index, a.batch_index) < (?, ?, ?)
       ORDER BY a.block_number DESC, a.log_index DESC, a.batch_index DESC LIMIT ?`,
    ),
    getCursor: prepareRaw(db, "SELECT data FROM cursors WHERE name = ?"),
    setCursor: prepareRaw(
      db,
      "INSERT INTO cursors (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
    ),
    ping: prepareRaw(db, "SELECT count(*) FROM blocks WHERE number = 0"),
  };

  const deleteHeight = (number: number) => {
    for (const stmt of q.deleteAt) stmt.run([number]);
  };

  const writeOne = (b: IndexedBlock) => {
    const { block } = b;
    const n = block.number;
    // A height holds one block: a rewrite of it or a replacement clears what was there first.
    if (q.blockAt.get([n])) deleteHeight(n);
    q.insertBlock.run([n, block.hash, JSON.stringify(block)]);
    const receipts = new Map(b.receipts.map((r) => [r.transactionIndex, r]));
    for (const tx of b.transactions) {
      const i = tx.transactionIndex;
      const receipt = receipts.get(i);
      q.insertTx.run([
        n,
        i,
        tx.hash,
        block.hash,
        JSON.stringify(tx),
        receipt ? JSON.stringify(receipt) : null,
      ]);
      q.indexTx.run([tx.from, n, i, block.hash]);
      if (tx.to !== null && tx.to !== tx.from) q.indexTx.run([tx.to, n, i, block.hash]);
      // A contract creation belongs to the created contract's history too.
      if (receipt?.contractAddress) q.indexTx.run([receipt.contractAddress, n, i, block.hash]);
    }
    for (const l of b.logs)
      q.insertLog.run([n, l.logIndex, l.transactionIndex, block.hash, JSON.stringify(l)]);
    for (const t of b.tokenTransfers) {
      q.insertTransfer.run([n, t.logIndex, t.batchIndex, t.transactionIndex, block.hash, JSON.stringify(t)]);
      q.indexTransfer.run([t.from, n, t.logIndex, t.batchIndex, block.hash]);
      q.indexTransfer.run([t.to, n, t.logIndex, t.batchIndex, block.hash]);
    }
  };

  const pageOf = <T>(rows: unknown[][], limit: number, query: string, keyLength: number): Page<T> => {
    const items = rows.slice(0, limit).map((r) => parse<T>(r[keyLength]));
    const last = rows[limit - 1];
    const nextCursor =
      rows.length > limit && last
        ? cursors.encode(
            query,
            last.slice(0, keyLength).map((v) => num(v)),
          )
        : null;
    return { items, nextCursor };
  };

  return {
    async migrate() {
      migrateStore(db);
    },

    async writeBlocks(blocks) {
      if (blocks.length === 0) return;
      writeTransaction(db, () => {
        for (const b of blocks) writeOne(b);
      });
    },

    async rollbackBlock(ref: BlockRef) {
      writeTransaction(db, () => {
        const row = q.numberOf.get([ref.hash.toLowerCase()]);
        if (row) deleteHeight(num(row[0]));
      });
    },

    async getLatestBlock() {
      const row = q.latest.get();
      return row ? parse<Block>(row[0]) : null;
    },

    async getBlockByNumber(number) {
      const row = q.byNumber.get([number]);
      return row ? parse<Block>(row[0]) : null;
    },

    async getBlockByHash(hash) {
      const row = q.byHash.get([hash.toLowerCase()]);
      return row ? parse<Block>(row[0]) : null;
    },

    async getBlockTransactions(blockHash, page) {
      const limit = pageLimit(page);
      const hash = blockHash.toLowerCase();
      const query = `block-txs:${hash}`;
      const after = page.cursor ? cursors.decode(query, page.cursor, 1)[0]! : -1;
      const row = q.numberOf.get([hash]);
      if (!row) return { items: [], nextCursor: null };
      return pageOf<Transaction>(q.blockTxs.all([num(row[0]), after, limit + 1]), limit, query, 1);
    },

    async getTransaction(hash): Promise<TransactionDetail | null> {
      const row = q.tx.get([hash.toLowerCase()]);
      if (!row) return null;
      const at = [num(row[0]), num(row[1])];
      return {
        transaction: parse<Transaction>(row[2]),
        receipt: row[3] === null ? null : parse<Receipt>(row[3]),
        logs: q.txLogs.all(at).map((r) => parse<Log>(r[0])),
        tokenTransfers: q.txTransfers.all(at).map((r) => parse<TokenTransfer>(r[0])),
      };
    },

    async getAddressTransactions(address, page) {
      const limit = pageLimit(page);
      const a = address.toLowerCase();
      const query = `address-txs:${a}`;
      const [n, i] = page.cursor
        ? cursors.decode(query, page.cursor, 2)
        : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      return pageOf<Transaction>(q.addressTxs.all([a, n!, i!, limit + 1]), limit, query, 2);
    },

    async getAddressTokenTransfers(address, page) {
      const limit = pageLimit(page);
      const a = address.toLowerCase();
      const query = `address-token-transfers:${a}`;
      const [n, l, b] = page.cursor
        ? cursors.decode(query, page.cursor, 3)
        : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      return pageOf<TokenTransfer>(q.addressTransfers.all([a, n!, l!, b!, limit + 1]), limit, query, 3);
    },

    async getCursor(name) {
      const row = q.getCursor.get([text(name)]);
      return row ? parse<IngestCursor>(row[0]) : null;
    },

    async setCursor(name, cursor) {
      writeTransaction(db, () => q.setCursor.run([text(name), JSON.stringify(cursor)]));
    },

    async health(): Promise<StoreHealth> {
      try {
        q.ping.get();
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
