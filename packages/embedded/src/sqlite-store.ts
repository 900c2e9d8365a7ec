import type {
  BlockEnrichment,
  IndexedBlock,
  Page,
  PageQuery,
  Store,
  StoreHealth,
  TransactionDetail,
  TransactionDetailJson,
} from "@chainlog/ports";
import {
  createPageCursors,
  holdingDeltas,
  holdingIdKey,
  holdingsLimit,
  internalPositions,
  type TokenHolding,
  tokenIdOfKey,
} from "@chainlog/ports";
import {
  type BalanceSnapshot,
  type Block,
  type BlockRef,
  type BlockStats,
  type ContractCreation,
  compactReceipt,
  type EnrichmentMark,
  expandReceipt,
  type InternalTransaction,
  type Log,
  mergeBlockStats,
  type PricePoint,
  type Receipt,
  type Swap,
  type TokenMetadata,
  type TokenTransfer,
  type Transaction,
  type VaultEvent,
} from "@chainlog/tx-schema";
import { OrphanLogRowError } from "./errors.ts";
import { createRowInserter } from "./row-inserter.ts";
import {
  num,
  openDatabase,
  type Prepared,
  pingHealth,
  prepareRaw,
  readTransaction,
  text,
  writeTransaction,
} from "./sqlite.ts";
import { operationalRows } from "./sqlite-operational-state.ts";
import { STORE_SQL } from "./store-queries.ts";
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

/** txDetail's list columns (2 to 8), in TransactionDetail's order. */
const DETAIL_LISTS = [
  "logs",
  "tokenTransfers",
  "swaps",
  "approvals",
  "wethEvents",
  "contractCreations",
  "internalTransactions",
] as const;

/**
 * A stored receipt whole. Since v7 a receipt is kept without what its transaction's row says (compactReceipt);
 * what it left out is put back. A receipt stored whole (v6 and before) comes back as it is.
 */
function receiptOf(stored: unknown, tx: Transaction): Receipt {
  return expandReceipt(parse<Record<string, unknown>>(stored), tx, {
    hash: tx.blockHash,
    number: tx.blockNumber,
  }) as Receipt;
}

/**
 * A txDetail row as JSON text per field: the stored pieces are JSON.stringify's own text, answered as they are;
 * only the receipt is made whole (see receiptOf).
 */
function detailJsonOf(row: unknown[] | undefined | null): TransactionDetailJson | null {
  if (!row) return null;
  const transaction = String(row[0]);
  const json: Record<string, string> = {
    transaction,
    receipt: row[1] === null ? "null" : JSON.stringify(receiptOf(row[1], parse<Transaction>(transaction))),
  };
  for (const [i, key] of DETAIL_LISTS.entries()) json[key] = row[i + 2] === null ? "[]" : String(row[i + 2]);
  return { blockHash: String(row[9]), json: json as TransactionDetailJson["json"] };
}

/** Symbols compare ignoring case; kept as UTF-8 blobs so NUL bytes survive (see `text` in sqlite.ts). */
const symbolKey = (symbol: string) => text(symbol.toLowerCase());
const MAX = Number.MAX_SAFE_INTEGER;

/** The Store port on one SQLite file. Every writeBlocks call is one transaction with prepared statements. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options.path);
  let secret: Buffer;
  try {
    secret = migrateStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const cursors = createPageCursors(secret);

  const q = Object.fromEntries(
    Object.entries(STORE_SQL).map(([name, sql]) => [name, prepareRaw(db, sql)]),
  ) as Record<keyof typeof STORE_SQL, Prepared>;
  const deleteAt = DELETE_HEIGHT.map((sql) => prepareRaw(db, sql));
  /*
   * The rows a block has many of go in through multi-row statements, queued while a block is written and flushed
   * at its end (before anything reads them back: the next block may replace this height).
   */
  const rows = {
    tx: createRowInserter(db, STORE_SQL.insertTx),
    addressTx: createRowInserter(db, STORE_SQL.indexTx),
    log: createRowInserter(db, STORE_SQL.insertLog),
    transfer: createRowInserter(db, STORE_SQL.insertTransfer),
    addressTransfer: createRowInserter(db, STORE_SQL.indexTransfer),
    swap: createRowInserter(db, STORE_SQL.insertSwap),
    addressSwap: createRowInserter(db, STORE_SQL.indexSwap),
    vault: createRowInserter(db, STORE_SQL.insertVault),
    addressVault: createRowInserter(db, STORE_SQL.indexVault),
    approval: createRowInserter(db, STORE_SQL.insertApproval),
    weth: createRowInserter(db, STORE_SQL.insertWeth),
    internal: createRowInserter(db, STORE_SQL.insertInternal),
    addressInternal: createRowInserter(db, STORE_SQL.indexInternal),
  };
  const inserters = Object.values(rows);
  const flushRows = () => {
    for (const inserter of inserters) inserter.flush();
  };
  /** Runs a write transaction whose failure also drops the rows it queued, which would otherwise go in with the next. */
  const writeRows = <T>(fn: () => T): T =>
    writeTransaction(db, () => {
      try {
        return fn();
      } catch (error) {
        for (const inserter of inserters) inserter.clear();
        throw error;
      }
    });

  /** Adds (sign 1) or takes off (-1) a block's transfers to the holdings; a holding that reaches zero goes. */
  const applyHoldings = (transfers: readonly TokenTransfer[], sign: 1n | -1n) => {
    for (const d of holdingDeltas(transfers)) {
      const id = holdingIdKey(d.tokenId);
      const row = q.holding.get([d.address, d.token, id]);
      const balance = (row ? BigInt(String(row[0])) : 0n) + sign * d.delta;
      if (balance === 0n) q.dropHolding.run([d.address, d.token, id]);
      else q.putHolding.run([d.address, d.token, id, d.standard, balance.toString()]);
    }
  };

  const deleteHeight = (number: number) => {
    applyHoldings(
      q.transfersAt.all([number]).map((r) => parse<TokenTransfer>(r[0])),
      -1n,
    );
    for (const stmt of deleteAt) stmt.run([number]);
  };

  /** `added` collects what the blocks of one writeBlocks add to the holdings; they are applied together. */
  const writeOne = (b: IndexedBlock, added: TokenTransfer[]) => {
    const { block } = b;
    const n = block.number;
    // A height holds one block. The same block again is already whole (it was written in one transaction), and
    // its enrichment must survive the replay; another block replaces it, so what was there goes first.
    const stored = q.blockAt.get([n]);
    if (stored && String(stored[0]) === block.hash) return;
    if (stored) deleteHeight(n);
    q.insertBlock.run([n, block.hash, JSON.stringify(block)]);
    // Rows decoded from logs must name a log of their own transaction: getTransaction relies on it (no logs, none).
    const logKeys = new Set(b.logs.map((l) => `${l.transactionIndex}:${l.logIndex}`));
    const mustHaveLog = (kind: string, rows: readonly { transactionIndex: number; logIndex: number }[]) => {
      for (const r of rows)
        if (!logKeys.has(`${r.transactionIndex}:${r.logIndex}`))
          throw new OrphanLogRowError(kind, n, r.transactionIndex, r.logIndex);
    };
    mustHaveLog("a token transfer", b.tokenTransfers);
    mustHaveLog("a swap", b.swaps);
    mustHaveLog("an approval", b.approvals);
    mustHaveLog("a WETH event", b.wethEvents);
    const receipts = new Map(b.receipts.map((r) => [r.transactionIndex, r]));
    for (const tx of b.transactions) {
      const i = tx.transactionIndex;
      const receipt = receipts.get(i);
      rows.tx.add([
        n,
        i,
        tx.hash,
        block.hash,
        JSON.stringify(tx),
        receipt ? JSON.stringify(compactReceipt(receipt, tx, block)) : null,
      ]);
      rows.addressTx.add([tx.from, n, i, block.hash]);
      if (tx.to !== null && tx.to !== tx.from) rows.addressTx.add([tx.to, n, i, block.hash]);
      // A contract creation belongs to the created contract's history too.
      if (receipt?.contractAddress) rows.addressTx.add([receipt.contractAddress, n, i, block.hash]);
    }
    for (const l of b.logs) rows.log.add([n, l.logIndex, l.transactionIndex, block.hash, JSON.stringify(l)]);
    for (const t of b.tokenTransfers) {
      rows.transfer.add([n, t.logIndex, t.batchIndex, t.transactionIndex, block.hash, JSON.stringify(t)]);
      rows.addressTransfer.add([t.from, n, t.logIndex, t.batchIndex, block.hash]);
      rows.addressTransfer.add([t.to, n, t.logIndex, t.batchIndex, block.hash]);
    }
    // what was stored (a repeated key replaced its row), so a rollback takes off exactly what was added
    for (const t of new Map(b.tokenTransfers.map((t) => [`${t.logIndex}:${t.batchIndex}`, t])).values())
      added.push(t);
    for (const s of b.swaps) {
      rows.swap.add([n, s.logIndex, s.transactionIndex, JSON.stringify(s)]);
      // OR IGNORE in the index: an address with several roles in one swap gets one row.
      for (const a of [s.transactionFrom, s.sender, s.recipient]) rows.addressSwap.add([a, n, s.logIndex]);
    }
    for (const v of b.vaultEvents ?? []) {
      rows.vault.add([n, v.logIndex, v.transactionIndex, JSON.stringify(v)]);
      for (const a of [v.owner, v.sender, v.receiver])
        if (a !== null) rows.addressVault.add([a, n, v.logIndex]);
    }
    for (const a of b.approvals) rows.approval.add([n, a.logIndex, a.transactionIndex, JSON.stringify(a)]);
    for (const w of b.wethEvents) rows.weth.add([n, w.logIndex, w.transactionIndex, JSON.stringify(w)]);
    for (const c of b.contractCreations)
      q.insertCreation.run([n, c.transactionIndex, c.address, JSON.stringify(c)]);
    writeInternal(n, b.internalTransactions);
    for (const p of b.pricePoints)
      q.insertPrice.run([p.token, p.quote, n, p.logIndex, p.timestamp, JSON.stringify(p)]);
    for (const s of b.balances) q.insertBalance.run([s.address, s.token, n, JSON.stringify(s)]);
    q.insertStats.run([n, b.stats.day, JSON.stringify(b.stats)]);
    flushRows();
  };

  /** A block's internal transactions, and each once under its caller and its callee. */
  const writeInternal = (n: number, frames: readonly InternalTransaction[]) => {
    for (const [f, position] of internalPositions(frames)) {
      rows.internal.add([n, f.transactionIndex, position, JSON.stringify(f)]);
      for (const a of new Set([f.from, f.to]))
        if (a !== null) rows.addressInternal.add([a, n, f.transactionIndex, position]);
    }
  };

  const pageOf = <T>(rows: unknown[][], limit: number, query: string, keyLength: number): Page<T> => {
    const items = rows.slice(0, limit).map((r) => parse<T>(r[keyLength]));
    const last = rows[limit - 1];
    if (rows.length <= limit || !last) return { items, nextCursor: null };
    // Signed when first read: a reader that stops at this page (an Etherscan page) pays no HMAC.
    let signed: string | undefined;
    return {
      items,
      get nextCursor() {
        signed ??= cursors.encode(
          query,
          last.slice(0, keyLength).map((v) => num(v)),
        );
        return signed;
      },
    };
  };

  /** The records stored under each of `keys` (hashes or addresses, any case), keyed lower-case; missing ones left out. */
  const recordsByKey = <T>(stmt: Prepared, keys: readonly string[]): Map<string, T> => {
    const found = new Map<string, T>();
    for (const key of new Set(keys.map((k) => k.toLowerCase()))) {
      const row = stmt.get([key]);
      if (row) found.set(key, parse<T>(row[0]));
    }
    return found;
  };

  /** A page of an index keyed by one address or token (lower-cased), after the cursor's position or from the top. */
  const keyedPage = <T>(
    name: string,
    stmt: Prepared,
    key: string,
    page: PageQuery,
    keyLength: number,
  ): Page<T> => {
    const limit = pageLimit(page);
    const k = key.toLowerCase();
    const query = `${name}:${k}`;
    const after = page.cursor
      ? cursors.decode(query, page.cursor, keyLength)
      : Array<number>(keyLength).fill(MAX);
    return pageOf<T>(stmt.all([k, ...after, limit + 1]), limit, query, keyLength);
  };

  return {
    async migrate() {
      migrateStore(db);
    },

    async writeBlocks(blocks) {
      if (blocks.length === 0) return;
      writeRows(() => {
        const added: TokenTransfer[] = [];
        for (const b of blocks) writeOne(b, added);
        // Sums commute: one read and one write per holding a batch touches, instead of one per transfer side
        // (the same holders and tokens come back block after block). A height replaced in the batch took its
        // old block's transfers off already; the total is the same.
        applyHoldings(added, 1n);
      });
    },

    async writeEnrichment(items: BlockEnrichment[]) {
      if (items.length === 0) return 0;
      return writeRows(() => {
        let written = 0;
        for (const e of items) {
          const n = e.mark.blockNumber;
          const stored = q.blockAt.get([n]);
          // rolled back or replaced since it was read: its enrichment belongs to no stored block
          if (!stored || String(stored[0]) !== e.mark.blockHash) continue;
          for (const c of e.contractCreations)
            q.insertCreation.run([n, c.transactionIndex, c.address, JSON.stringify(c)]);
          writeInternal(n, e.internalTransactions);
          for (const s of e.swaps) {
            if (!q.logOf.get([n, s.logIndex, s.transactionIndex]))
              throw new OrphanLogRowError("a swap", n, s.transactionIndex, s.logIndex);
            q.insertSwap.run([n, s.logIndex, s.transactionIndex, JSON.stringify(s)]);
          }
          for (const p of e.pricePoints)
            q.insertPrice.run([p.token, p.quote, n, p.logIndex, p.timestamp, JSON.stringify(p)]);
          for (const s of e.balances) q.insertBalance.run([s.address, s.token, n, JSON.stringify(s)]);
          q.insertEnrichment.run([n, e.mark.blockHash, JSON.stringify(e.mark)]);
          flushRows();
          written += 1;
        }
        return written;
      });
    },

    async getEnrichment(blockHashes) {
      return recordsByKey<EnrichmentMark>(q.enrichmentOf, blockHashes);
    },

    async getStoredBlock(hash) {
      // one read transaction: a rollback or replacement committed meanwhile cannot mix two blocks' rows
      return readTransaction(db, () => {
        const row = q.byHash.get([hash.toLowerCase()]);
        if (!row) return null;
        const block = parse<Block>(row[0]);
        const transactions: Transaction[] = [];
        const receipts: Receipt[] = [];
        for (const r of q.storedTxs.all([block.number, block.hash])) {
          const tx = parse<Transaction>(r[0]);
          transactions.push(tx);
          if (r[1] !== null) receipts.push(receiptOf(r[1], tx));
        }
        const logs = q.storedLogs.all([block.number, block.hash]).map((r) => parse<Log>(r[0]));
        return { block, transactions, receipts, logs };
      });
    },

    async getHeights(from, limit) {
      return q.heights
        .all([from, limit])
        .map((r) => ({ number: num(r[0]), hash: String(r[1]), enriched: num(r[2]) === 1 }));
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
      const found = detailJsonOf(q.txDetail.get([hash.toLowerCase()]));
      if (!found) return null;
      const detail: Record<string, unknown> = {};
      for (const [key, text] of Object.entries(found.json)) detail[key] = JSON.parse(text);
      return detail as unknown as TransactionDetail;
    },

    async getTransactionJson(hash) {
      return detailJsonOf(q.txDetail.get([hash.toLowerCase()]));
    },

    async getAddressTransactions(address, page) {
      return keyedPage<Transaction>("address-txs", q.addressTxs, address, page, 2);
    },

    async getAddressInternalTransactions(address, page) {
      return keyedPage<InternalTransaction>("address-internal", q.addressInternal, address, page, 3);
    },

    async getAddressTokenTransfers(address, page) {
      return keyedPage<TokenTransfer>("address-token-transfers", q.addressTransfers, address, page, 3);
    },

    async getTokenTransfers(token, page) {
      return keyedPage<TokenTransfer>("token-transfers", q.tokenTransfers, token, page, 3);
    },

    async getAddressSwaps(address, page) {
      return keyedPage<Swap>("address-swaps", q.addressSwaps, address, page, 2);
    },

    async getAddressVaultEvents(address, page) {
      return keyedPage<VaultEvent>("address-vault-events", q.addressVaultEvents, address, page, 2);
    },

    async getContractCreation(address) {
      const row = q.creation.get([address.toLowerCase()]);
      return row ? parse<ContractCreation>(row[0]) : null;
    },

    async upsertTokens(tokens) {
      if (tokens.length === 0) return;
      writeTransaction(db, () => {
        for (const t of tokens)
          q.upsertToken.run([
            t.address.toLowerCase(),
            t.symbol === null ? null : symbolKey(t.symbol),
            JSON.stringify(t),
          ]);
      });
    },

    async getToken(address) {
      const row = q.token.get([address.toLowerCase()]);
      return row ? parse<TokenMetadata>(row[0]) : null;
    },

    async getTokens(addresses) {
      return recordsByKey<TokenMetadata>(q.token, addresses);
    },

    async findTokensBySymbol(symbol, limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
        throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      return q.tokensBySymbol.all([symbolKey(symbol), limit]).map((r) => parse<TokenMetadata>(r[0]));
    },

    async getPriceSeries(token, quote, query) {
      const limit = pageLimit(query);
      const t = token.toLowerCase();
      const from = query.fromTimestamp ?? 0;
      const to = query.toTimestamp ?? MAX;
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
        throw new RangeError("price series bounds must be integer timestamps in seconds");
      const key = `price-series:${t}:${quote}:${from}:${to}`;
      const [n, l] = query.cursor ? cursors.decode(key, query.cursor, 2) : [MAX, MAX];
      return pageOf<PricePoint>(q.priceSeries.all([t, quote, n!, l!, from, to, limit + 1]), limit, key, 2);
    },

    async getLatestPrices(tokens, quote) {
      const found = new Map<string, PricePoint>();
      for (const token of new Set(tokens.map((t) => t.toLowerCase()))) {
        const row = q.latestPrice.get([token, quote]);
        if (row) found.set(token, parse<PricePoint>(row[0]));
      }
      return found;
    },

    async getAddressBalances(address) {
      return q.balances.all([address.toLowerCase()]).map((r) => parse<BalanceSnapshot>(r[0]));
    },

    async getAddressHoldings(address, limit): Promise<TokenHolding[]> {
      const a = address.toLowerCase();
      return q.holdings.all([a, holdingsLimit(limit)]).map((r) => ({
        address: a,
        token: String(r[0]),
        standard: String(r[2]) as TokenHolding["standard"],
        tokenId: tokenIdOfKey(String(r[1])),
        balance: String(r[3]),
      }));
    },

    async getDailyStats(fromDay, toDay) {
      return mergeBlockStats(q.dayStats.all([fromDay, toDay]).map((r) => parse<BlockStats>(r[0])));
    },

    ...operationalRows(db),

    async health(): Promise<StoreHealth> {
      return pingHealth(() => q.ping.get());
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
