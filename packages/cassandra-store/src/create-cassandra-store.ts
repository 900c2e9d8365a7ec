import { setTimeout as sleep } from "node:timers/promises";
import type {
  HoldingsBackfill,
  IndexedBlock,
  Page,
  Store,
  StoredHeight,
  TransactionDetail,
  TransactionDetailJson,
} from "@chainlog/ports";
import {
  createPageCursors,
  holdingsLimit,
  type PageQuery,
  type TokenHolding,
  tokenIdOfKey,
} from "@chainlog/ports";
import type {
  Approval,
  BalanceSnapshot,
  Block,
  BlockRef,
  ContractCreation,
  EnrichmentMark,
  InternalTransaction,
  Log,
  Receipt,
  Swap,
  TokenTransfer,
  Transaction,
  VaultEvent,
  WethEvent,
} from "@chainlog/tx-schema";
import type cassandra from "cassandra-driver";
import {
  BACKFILL_CHUNKS,
  type BlockRows,
  type BucketKind,
  blockRows,
  ENRICHMENT_CHUNKS,
  enrichmentRows,
  keyOf,
  type Row,
} from "./block-rows.ts";
import { bucketOf, DefaultBucketSize, tokenBucketSize } from "./bucket.ts";
import { type CassandraConnectParameters, clusterHealth, createMigratingClient } from "./cassandra-client.ts";
import {
  num,
  type OpenedSettings,
  pageLimit,
  parse,
  parseList,
  readOptions,
  type StoreContext,
  writeOptions,
} from "./context.ts";
import { createDailyStats } from "./daily-stats.ts";
import { type BackfillOptions, backfillHoldings, pendingBackfill } from "./holdings-backfill.ts";
import { operationalRows } from "./operational-state.ts";
import { pageAcrossBuckets } from "./page-across-buckets.ts";
import { chunkByBytes, partitionBatches } from "./partition-batches.ts";
import { createPriceQueries } from "./price-queries.ts";
import { createRegisteredSet } from "./registered-set.ts";
import { runLimited } from "./run-limited.ts";
import { migrate } from "./schema/migrate.ts";
import { type BlockTable, deleteCql, insertCql, isBlockTable, partitionOf } from "./schema/tables.ts";
import { createTokenQueries } from "./token-queries.ts";

export interface CassandraStoreParameters extends CassandraConnectParameters {
  /** Blocks per address/block partition bucket; fixed when the keyspace is created. */
  bucketSize?: number;
  /** Statements in flight per writeBlocks call. Default 64. */
  concurrency?: number;
  /**
   * Fill the holdings of blocks stored before migration 5, once, in the background after the first migrate
   * (resumable and idempotent: see holdings-backfill.ts). Default true; false leaves it to backfillHoldings().
   */
  holdingsBackfill?: boolean;
}

/** The Store port, plus what only a Cassandra keyspace needs. */
export interface CassandraStore extends Store {
  /** Runs the holdings backfill of a pre-v5 keyspace now (the background run does the same). */
  backfillHoldings(options?: BackfillOptions): Promise<"done" | "stopped">;
  getHoldingsBackfill(): Promise<HoldingsBackfill | null>;
}

export { MaxPageSize } from "./context.ts";

const read = readOptions;
const write = writeOptions;

/** Rough bytes of a statement's values, to keep unlogged batches under Cassandra's warning size. */
const sizeOf = (values: readonly unknown[]) =>
  values.reduce<number>((n, v) => n + (typeof v === "string" ? v.length : 8), 0);

/** The Store port on Cassandra: query-first tables, one block per height, rows indexed per height for rollback. */
export function createCassandraStore(params: CassandraStoreParameters): CassandraStore {
  const ks = params.keyspace;
  const concurrency = params.concurrency ?? 64;
  const { logger } = params;
  let closed = false;
  let backfill: Promise<"done" | "stopped"> | undefined;
  let created = false;
  let backfillDone = false;
  const connection = createMigratingClient(params, (on) =>
    migrate({ ...on, bucketSize: params.bucketSize ?? DefaultBucketSize }).then((s): OpenedSettings => {
      created = s.created;
      if (params.holdingsBackfill !== false && !backfill)
        backfill = runBackfill().catch((error) => {
          // the next start resumes where it stopped
          if (!closed) logger.warn({ keyspace: ks, err: error }, "holdings backfill stopped");
          return "stopped" as const;
        });
      return { cursors: createPageCursors(s.cursorSecret), bucketSize: s.bucketSize };
    }),
  );
  const { client } = connection;
  const settings = connection.ready;
  const registered = createRegisteredSet();

  const exec = (cql: string, values: unknown[], opts: cassandra.QueryOptions = write) =>
    client.execute(cql, values, opts);

  const cql = {
    insert: (t: BlockTable) => insertCql(ks, t),
    delete: (t: BlockTable) => deleteCql(ks, t),
    heightRows: `SELECT block_hash, keys FROM ${ks}.rows_by_height WHERE block_number = ?`,
    hashRows: `SELECT block_hash, keys FROM ${ks}.rows_by_height WHERE block_number = ? AND block_hash = ?`,
    indexRow: `INSERT INTO ${ks}.rows_by_height (block_number, block_hash, chunk, keys) VALUES (?, ?, ?, ?)`,
    dropIndex: `DELETE FROM ${ks}.rows_by_height WHERE block_number = ? AND block_hash = ?`,
    addressBucket: `INSERT INTO ${ks}.address_buckets (address, kind, bucket) VALUES (?, ?, ?)`,
    balanceToken: `INSERT INTO ${ks}.balance_tokens (address, token_address) VALUES (?, ?)`,
    blockBucket: `INSERT INTO ${ks}.block_buckets (id, bucket) VALUES (0, ?)`,
    numberOfHash: `SELECT number FROM ${ks}.blocks_by_hash WHERE hash = ?`,
    hashAt: `SELECT hash FROM ${ks}.blocks_by_number WHERE bucket = ? AND number = ?`,
    setSwaps: `UPDATE ${ks}.tx_by_hash SET swaps = ? WHERE hash = ?`,
    setTraced: `UPDATE ${ks}.tx_by_hash SET traced_creations = ? WHERE hash = ?`,
    dropTx: `DELETE FROM ${ks}.tx_by_hash WHERE hash = ?`,
  };

  const storedHashAt = async (number: number, bucketSize: number): Promise<string | null> => {
    const row = (await exec(cql.hashAt, [bucketOf(number, bucketSize), number], read)).first();
    return row ? String(row.hash) : null;
  };

  /**
   * One task per partition-sized group: rows of one table and partition travel in unlogged batches (one
   * replica set, applied atomically), never across partitions.
   */
  const partitionWrites = (rows: Row[], statement: (t: BlockTable) => string) => {
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const k = JSON.stringify([r.table, partitionOf(r.table, r.values)]);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return [...groups.values()].flatMap((g) =>
      partitionBatches(g, (r) => sizeOf(r.values)).map(
        (batch) => () =>
          batch.length === 1 && batch[0]
            ? exec(statement(batch[0].table), batch[0].values)
            : client.batch(
                batch.map((r) => ({ query: statement(r.table), params: r.values })),
                { ...write, logged: false },
              ),
      ),
    );
  };

  /** Deletes every recorded row at a height (of one block hash, or of all): blocks first, so readers never see a block without its rows. */
  const clearHeight = async (number: number, hash?: string) => {
    const rs = hash
      ? await exec(cql.hashRows, [number, hash], read)
      : await exec(cql.heightRows, [number], read);
    const rows: Array<{ hash: string; table: BlockTable; key: unknown[] }> = [];
    for await (const r of rs)
      for (const [table, key] of JSON.parse(String(r.keys)) as Array<[string, unknown[]]>)
        if (isBlockTable(table)) rows.push({ hash: String(r.block_hash), table, key });
    if (rows.length === 0) return;
    const isBlock = (r: (typeof rows)[number]) =>
      r.table === "blocks_by_number" || r.table === "blocks_by_hash";
    await runLimited(
      partitionWrites(
        rows.filter(isBlock).map((r) => ({ table: r.table, values: r.key })),
        (t) => cql.delete(t),
      ),
      concurrency,
    );
    await runLimited(
      partitionWrites(
        rows.filter((r) => !isBlock(r)).map((r) => ({ table: r.table, values: r.key })),
        (t) => cql.delete(t),
      ),
      concurrency,
    );
    await Promise.all([...new Set(rows.map((r) => r.hash))].map((h) => exec(cql.dropIndex, [number, h])));
  };

  /**
   * The block's height index: every row key it writes, in a few chunk rows of one partition. The enrichment
   * stage's keys go in chunks from ENRICHMENT_CHUNKS on, beside the raw write's.
   */
  const indexWrites = (b: { block: BlockRef }, rows: Row[], firstChunk = 0) => {
    const keys = rows.map((r) => JSON.stringify([r.table, keyOf(r)]));
    const statements = chunkByBytes(keys).map((chunk, i) => ({
      query: cql.indexRow,
      params: [b.block.number, b.block.hash, firstChunk + i, `[${chunk.join(",")}]`],
    }));
    return partitionBatches(statements, (st) => String(st.params[3]).length).map(
      (batch) => () =>
        batch.length === 1 && batch[0]
          ? exec(batch[0].query, batch[0].params)
          : client.batch(batch, { ...write, logged: false }),
    );
  };

  /** Writes of the bucket and balance-token registrations not yet made by this process (never deleted). */
  const registrations = (
    parts: Array<Pick<BlockRows, "buckets" | "balanceTokens">>,
    extra: Array<[string, { cql: string; values: unknown[] }]> = [],
  ) => {
    const wanted = new Map(extra);
    for (const r of parts) {
      for (const [address, token] of r.balanceTokens)
        wanted.set(`t/${address}/${token}`, { cql: cql.balanceToken, values: [address, token] });
      for (const [address, kind, bucket] of r.buckets)
        wanted.set(`a/${address}/${kind}/${bucket}`, {
          cql: cql.addressBucket,
          values: [address, kind, bucket],
        });
    }
    return [...wanted]
      .filter(([key]) => !registered.has(key))
      .map(([key, { cql: statement, values }]) => async () => {
        await exec(statement, values);
        registered.add(key);
      });
  };

  const ctx: StoreContext = { client, ks, concurrency, settings, exec };
  // set once the store object exists (the backfill walks heights through the port's own getHeights)
  let self: CassandraStore | undefined;
  const runBackfill = async (options?: BackfillOptions) => {
    const { bucketSize } = await settings();
    const store = self as CassandraStore;
    return backfillHoldings(
      {
        ctx,
        created,
        logger,
        heights: (from, limit) => store.getHeights(from, limit),
        latest: async () => (await store.getLatestBlock())?.number ?? null,
        hashAt: (number) => storedHashAt(number, bucketSize),
        writeIndexed: async (block, rows) => {
          await runLimited(
            [
              ...partitionWrites(rows, (t) => cql.insert(t)),
              ...indexWrites({ block }, rows, BACKFILL_CHUNKS),
            ],
            concurrency,
          );
        },
        clearBlock: (number, hash) => clearHeight(number, hash),
        stopped: () => closed,
      },
      options,
    );
  };
  const addressPage = <T>(
    address: string,
    kind: BucketKind,
    table:
      | "txs_by_address"
      | "token_transfers_by_address"
      | "swaps_by_address"
      | "vault_events_by_address"
      | "internal_txs_by_address",
    column: string,
    page: PageQuery,
  ): Promise<Page<T>> => {
    // checked before any round trip: a bad limit is the caller's error, whatever the cluster's state
    const limit = pageLimit(page);
    return settings().then(({ bucketSize }) => {
      const a = address.toLowerCase();
      return pageAcrossBuckets<T>(ctx, {
        partition: [a],
        table,
        column,
        registry: { address: a, kind },
        bucketOf: (position) => bucketOf(position[0] ?? 0, bucketSize),
        limit,
        cursor: page.cursor,
        query: `${table}:${a}`,
      });
    });
  };

  self = {
    async migrate() {
      await settings();
    },

    backfillHoldings: (options) => runBackfill(options),

    async writeBlocks(blocks) {
      if (blocks.length === 0) return;
      const { bucketSize } = await settings();
      // one block per height: within a call the last block of a height wins, as a later call would
      const byHeight = new Map<number, IndexedBlock>();
      for (const b of blocks) byHeight.set(b.block.number, b);
      // the same block again is already whole (its block rows are written last), and its enrichment must survive
      const stored = new Map<number, string | null>();
      await runLimited(
        [...byHeight.values()].map((b) => async () => {
          stored.set(b.block.number, await storedHashAt(b.block.number, bucketSize));
        }),
        concurrency,
      );
      const all = [...byHeight.values()].filter((b) => stored.get(b.block.number) !== b.block.hash);
      if (all.length === 0) return;
      const rows = new Map<IndexedBlock, BlockRows>(all.map((b) => [b, blockRows(b, bucketSize)]));

      // 1. whatever the heights held (another block, this one, or a half-written one) goes first
      await runLimited(
        all.map((b) => () => clearHeight(b.block.number)),
        concurrency,
      );
      // 2. record every key before writing it, so a crash mid-write leaves nothing unfindable
      await runLimited(
        all.flatMap((b) => {
          const r = rows.get(b) as BlockRows;
          return indexWrites(b, [...r.derived, ...r.block]);
        }),
        concurrency,
      );
      // 3. derived rows and bucket registrations
      const tasks: Array<() => Promise<unknown>> = [];
      // bucket registrations: once per call and per process (they are never deleted)
      const blockBuckets: Array<[string, { cql: string; values: unknown[] }]> = [];
      for (const b of all) {
        const r = rows.get(b) as BlockRows;
        const blockBucket = bucketOf(b.block.number, bucketSize);
        blockBuckets.push([`b/${blockBucket}`, { cql: cql.blockBucket, values: [blockBucket] }]);
        tasks.push(...partitionWrites(r.derived, (t) => cql.insert(t)));
      }
      tasks.push(
        ...registrations(
          all.map((b) => rows.get(b) as BlockRows),
          blockBuckets,
        ),
      );
      await runLimited(tasks, concurrency);
      // 4. the block itself last: once it is visible, all its rows are there
      await runLimited(
        all.flatMap((b) =>
          (rows.get(b) as BlockRows).block.map((row) => () => exec(cql.insert(row.table), row.values)),
        ),
        concurrency,
      );
    },

    async writeEnrichment(items) {
      if (items.length === 0) return 0;
      const { bucketSize } = await settings();
      let written = 0;
      await runLimited(
        items.map((e) => async () => {
          const { blockNumber: n, blockHash: hash } = e.mark;
          if ((await storedHashAt(n, bucketSize)) !== hash) return;
          const rows = enrichmentRows(e, bucketSize);
          const ref = { block: { number: n, hash } };
          await runLimited(indexWrites(ref, [...rows.rows, ...rows.marks], ENRICHMENT_CHUNKS), concurrency);
          const tasks: Array<() => Promise<unknown>> = [...partitionWrites(rows.rows, (t) => cql.insert(t))];
          for (const [tx, list] of rows.swapsByTx)
            tasks.push(() => exec(cql.setSwaps, [JSON.stringify(list), tx]));
          for (const [tx, list] of rows.tracedByTx)
            tasks.push(() => exec(cql.setTraced, [JSON.stringify(list), tx]));
          tasks.push(...registrations([rows]));
          await runLimited(tasks, concurrency);
          // the mark last, as the block row is for raw writes: once it is visible, the enrichment is whole
          await runLimited(
            rows.marks.map((row) => () => exec(cql.insert(row.table), row.values)),
            concurrency,
          );
          // Rolled back while we wrote: the rollback may have run before our rows landed, so remove them here
          // (the transaction rows our updates may have recreated included).
          if ((await storedHashAt(n, bucketSize)) !== hash) {
            await clearHeight(n, hash);
            await runLimited(
              [...rows.swapsByTx.keys(), ...rows.tracedByTx.keys()].map((tx) => () => exec(cql.dropTx, [tx])),
              concurrency,
            );
            return;
          }
          written += 1;
        }),
        // each block's own writes run `concurrency` wide already
        Math.min(8, concurrency),
      );
      return written;
    },

    async getStoredBlock(hash) {
      await settings();
      const h = hash.toLowerCase();
      const row = (await exec(`SELECT data FROM ${ks}.blocks_by_hash WHERE hash = ?`, [h], read)).first();
      if (!row) return null;
      const block = parse<Block>(row.data);
      const transactions: Transaction[] = [];
      for await (const r of await exec(`SELECT tx FROM ${ks}.txs_by_block WHERE block_hash = ?`, [h], read))
        transactions.push(parse<Transaction>(r.tx));
      // receipts and logs live beside each transaction (tx_by_hash): one read each, in parallel
      const parts: Array<{ receipt: Receipt | null; logs: Log[] } | null> = new Array(transactions.length);
      await runLimited(
        transactions.map((tx, i) => async () => {
          const r = (
            await exec(
              `SELECT block_hash, receipt, logs FROM ${ks}.tx_by_hash WHERE hash = ?`,
              [tx.hash],
              read,
            )
          ).first();
          parts[i] =
            r && String(r.block_hash) === h
              ? { receipt: r.receipt === null ? null : parse<Receipt>(r.receipt), logs: parse<Log[]>(r.logs) }
              : null;
        }),
        concurrency,
      );
      // a transaction whose row is gone or names another block: this block was rolled back or replaced meanwhile
      if (parts.some((p) => p === null)) return null;
      const receipts: Receipt[] = [];
      const logs: Log[] = [];
      for (const p of parts) {
        if (p?.receipt) receipts.push(p.receipt);
        if (p) logs.push(...p.logs);
      }
      logs.sort((a, b) => a.logIndex - b.logIndex);
      return { block, transactions, receipts, logs };
    },

    async getEnrichment(blockHashes) {
      await settings();
      const found = new Map<string, EnrichmentMark>();
      await runLimited(
        [...new Set(blockHashes.map((h) => h.toLowerCase()))].map((hash) => async () => {
          const row = (
            await exec(`SELECT mark FROM ${ks}.enrichment_by_hash WHERE hash = ?`, [hash], read)
          ).first();
          if (row) found.set(hash, parse<EnrichmentMark>(row.mark));
        }),
        concurrency,
      );
      return found;
    },

    async getHeights(from, limit) {
      const { bucketSize } = await settings();
      const out: StoredHeight[] = [];
      const buckets: number[] = [];
      for await (const b of await exec(`SELECT bucket FROM ${ks}.block_buckets WHERE id = 0`, [], read))
        buckets.push(num(b.bucket));
      for (const bucket of buckets.filter((b) => b >= bucketOf(from, bucketSize)).sort((a, b) => a - b)) {
        const want = limit - out.length;
        if (want <= 0) break;
        const blocksRs = await exec(
          `SELECT number, hash FROM ${ks}.blocks_by_number WHERE bucket = ? AND number >= ? ORDER BY number ASC LIMIT ${want}`,
          [bucket, from],
          read,
        );
        const marks = new Map<number, string>();
        const marksRs = await exec(
          `SELECT number, hash FROM ${ks}.enrichment_by_number WHERE bucket = ? AND number >= ? LIMIT ${want}`,
          [bucket, from],
          { ...read, fetchSize: want },
        );
        for await (const m of marksRs) marks.set(num(m.number), String(m.hash));
        for (const r of blocksRs.rows) {
          const number = num(r.number);
          out.push({ number, hash: String(r.hash), enriched: marks.get(number) === String(r.hash) });
        }
      }
      return out;
    },

    async rollbackBlock(ref: BlockRef) {
      await settings();
      const hash = ref.hash.toLowerCase();
      const rs = await exec(cql.numberOfHash, [hash], read);
      const first = rs.first();
      await clearHeight(first ? num(first.number) : ref.number, hash);
    },

    async getLatestBlock() {
      await settings();
      const buckets = await exec(`SELECT bucket FROM ${ks}.block_buckets WHERE id = 0`, [], read);
      for await (const b of buckets) {
        const rs = await exec(
          `SELECT data FROM ${ks}.blocks_by_number WHERE bucket = ? LIMIT 1`,
          [num(b.bucket)],
          read,
        );
        const row = rs.first();
        if (row) return parse<Block>(row.data);
      }
      return null;
    },

    async getBlockByNumber(number) {
      const { bucketSize } = await settings();
      if (!Number.isSafeInteger(number) || number < 0) return null;
      const rs = await exec(
        `SELECT data FROM ${ks}.blocks_by_number WHERE bucket = ? AND number = ?`,
        [bucketOf(number, bucketSize), number],
        read,
      );
      const row = rs.first();
      return row ? parse<Block>(row.data) : null;
    },

    async getBlockByHash(hash) {
      await settings();
      const row = (
        await exec(`SELECT data FROM ${ks}.blocks_by_hash WHERE hash = ?`, [hash.toLowerCase()], read)
      ).first();
      return row ? parse<Block>(row.data) : null;
    },

    async getBlockTransactions(blockHash, page) {
      const limit = pageLimit(page);
      const { cursors } = await settings();
      const hash = blockHash.toLowerCase();
      const query = `txs_by_block:${hash}`;
      const after = page.cursor ? (cursors.decode(query, page.cursor, 1)[0] ?? -1) : -1;
      const rs = await exec(
        `SELECT tx_index, tx FROM ${ks}.txs_by_block WHERE block_hash = ? AND tx_index > ? LIMIT ${limit + 1}`,
        [hash, after],
        read,
      );
      const rows = rs.rows;
      const last = rows[limit - 1];
      return {
        items: rows.slice(0, limit).map((r) => parse<Transaction>(r.tx)),
        nextCursor: rows.length > limit && last ? cursors.encode(query, [num(last.tx_index)]) : null,
      };
    },

    async getTransaction(hash): Promise<TransactionDetail | null> {
      await settings();
      const row = (
        await exec(
          `SELECT block_hash, tx, receipt, logs, transfers, swaps, approvals, weth_events, creations, traced_creations FROM ${ks}.tx_by_hash WHERE hash = ?`,
          [hash.toLowerCase()],
          read,
        )
      ).first();
      if (!row) return null;
      const internal: InternalTransaction[] = [];
      for await (const r of await exec(
        `SELECT itx FROM ${ks}.internal_txs_by_tx WHERE tx_hash = ? AND block_hash = ?`,
        [hash.toLowerCase(), String(row.block_hash)],
        read,
      ))
        internal.push(parse<InternalTransaction>(r.itx));
      return {
        transaction: parse<Transaction>(row.tx),
        receipt: row.receipt === null ? null : parse<Receipt>(row.receipt),
        logs: parse<Log[]>(row.logs),
        tokenTransfers: parse<TokenTransfer[]>(row.transfers),
        swaps: parseList<Swap>(row.swaps),
        approvals: parseList<Approval>(row.approvals),
        wethEvents: parseList<WethEvent>(row.weth_events),
        contractCreations: [
          ...parseList<ContractCreation>(row.creations),
          ...parseList<ContractCreation>(row.traced_creations),
        ],
        internalTransactions: internal,
      };
    },

    async getTransactionJson(hash) {
      const detail = await (self as CassandraStore).getTransaction(hash);
      if (!detail) return null;
      const json = {} as TransactionDetailJson["json"];
      for (const key of Object.keys(detail) as (keyof TransactionDetail)[])
        json[key] = JSON.stringify(detail[key]);
      return { blockHash: detail.transaction.blockHash, json };
    },

    async getAddressTransactions(address, page) {
      return addressPage<Transaction>(address, "tx", "txs_by_address", "tx", page);
    },

    async getAddressInternalTransactions(address, page) {
      return addressPage<InternalTransaction>(address, "it", "internal_txs_by_address", "itx", page);
    },

    async getAddressTokenTransfers(address, page) {
      return addressPage<TokenTransfer>(address, "tt", "token_transfers_by_address", "transfer", page);
    },

    async getAddressSwaps(address, page) {
      return addressPage<Swap>(address, "sw", "swaps_by_address", "swap", page);
    },

    async getAddressVaultEvents(address, page) {
      return addressPage<VaultEvent>(address, "ve", "vault_events_by_address", "event", page);
    },

    async getTokenTransfers(token, page) {
      const limit = pageLimit(page);
      const { bucketSize } = await settings();
      const t = token.toLowerCase();
      const size = tokenBucketSize(bucketSize);
      return pageAcrossBuckets<TokenTransfer>(ctx, {
        partition: [t],
        table: "transfers_by_token",
        column: "transfer",
        registry: { address: t, kind: "tk" },
        bucketOf: (position) => bucketOf(position[0] ?? 0, size),
        limit,
        cursor: page.cursor,
        query: `transfers_by_token:${t}`,
      });
    },

    async getContractCreation(address) {
      await settings();
      const row = (
        await exec(
          `SELECT creation FROM ${ks}.creations_by_address WHERE address = ? LIMIT 1`,
          [address.toLowerCase()],
          read,
        )
      ).first();
      return row ? parse<ContractCreation>(row.creation) : null;
    },

    ...createTokenQueries(ctx),
    ...createPriceQueries(ctx),

    async getHoldingsBackfill() {
      // once done it stays done (a keyspace is backfilled once): no read per answer after that
      if (backfillDone) return null;
      await settings();
      const pending = await pendingBackfill(ctx);
      if (pending !== "done") return pending;
      backfillDone = true;
      return null;
    },

    async getAddressHoldings(address, limit) {
      const max = holdingsLimit(limit);
      await settings();
      const a = address.toLowerCase();
      // the partition is clustered by token, token id, block: each holding's block deltas come together
      const rs = await exec(
        `SELECT token_address, token_id, standard, delta FROM ${ks}.holding_deltas WHERE address = ?`,
        [a],
        { ...read, fetchSize: 5000 },
      );
      const out: TokenHolding[] = [];
      let current = null as { token: string; id: string; standard: string; sum: bigint } | null;
      const flush = () => {
        if (current && current.sum !== 0n)
          out.push({
            address: a,
            token: current.token,
            standard: current.standard as TokenHolding["standard"],
            tokenId: tokenIdOfKey(current.id),
            balance: current.sum.toString(),
          });
      };
      for await (const r of rs) {
        const token = String(r.token_address);
        const id = String(r.token_id);
        if (current?.token !== token || current.id !== id) {
          flush();
          if (out.length >= max) return out;
          current = { token, id, standard: String(r.standard), sum: 0n };
        }
        current.sum += BigInt(String(r.delta));
      }
      flush();
      return out.slice(0, max);
    },

    async getAddressBalances(address) {
      await settings();
      const a = address.toLowerCase();
      const tokens = await exec(
        `SELECT token_address FROM ${ks}.balance_tokens WHERE address = ?`,
        [a],
        read,
      );
      const list: string[] = [];
      for await (const r of tokens) list.push(String(r.token_address));
      // one single-row read per asset: its partition is clustered newest first
      const found = new Map<string, BalanceSnapshot>();
      await runLimited(
        list.map((token) => async () => {
          const row = (
            await exec(
              `SELECT snapshot FROM ${ks}.balances WHERE address = ? AND token_address = ? LIMIT 1`,
              [a, token],
              read,
            )
          ).first();
          if (row) found.set(token, parse<BalanceSnapshot>(row.snapshot));
        }),
        concurrency,
      );
      return list.flatMap((token) => found.get(token) ?? []);
    },

    ...createDailyStats(ctx),
    ...operationalRows({ ks, exec, ready: settings }),

    health: () => clusterHealth(client),

    async close() {
      if (closed) return;
      closed = true;
      // the backfill stops between heights: give its step in flight a moment (a step cut short is redone on
      // the next start), never longer, so a close on a failing ring is not held up by it
      if (backfill) await Promise.race([backfill, sleep(5_000, undefined, { ref: false })]);
      await connection.close();
    },
  };
  return self;
}
