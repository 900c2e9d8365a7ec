import type { IndexedBlock, Page, PageQuery, Store, StoreHealth, TransactionDetail } from "@chainlog/ports";
import { createPageCursors, type PageCursors } from "@chainlog/ports";
import type {
  Block,
  BlockRef,
  IngestCursor,
  Log,
  Receipt,
  TokenTransfer,
  Transaction,
} from "@chainlog/tx-schema";
import cassandra from "cassandra-driver";
import { type BlockRows, blockRows, keyOf, type Row } from "./block-rows.ts";
import { bucketOf, DefaultBucketSize } from "./bucket.ts";
import { InvalidKeyspaceNameError, StoreClosedError } from "./errors.ts";
import { type StoreLogger, silentLogger } from "./logger.ts";
import { chunkByBytes, partitionBatches } from "./partition-batches.ts";
import { createRegisteredSet } from "./registered-set.ts";
import { runLimited } from "./run-limited.ts";
import { migrate } from "./schema/migrate.ts";
import { type BlockTable, BlockTables, deleteCql, insertCql, isBlockTable } from "./schema/tables.ts";

export interface CassandraStoreParameters {
  /** host or host:port of one or more nodes. */
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** Used when migrate() creates the keyspace. Default 1; 3 on a three-node cluster. */
  replicationFactor?: number;
  logger?: StoreLogger;
  /** CQL port of every node (the driver dials discovered peers on it). Default: the contact points' port, else 9042. */
  port?: number;
  /** Password authentication (PasswordAuthenticator; Amazon Keyspaces service credentials). */
  username?: string;
  password?: string;
  /** Blocks per address/block partition bucket; fixed when the keyspace is created. */
  bucketSize?: number;
  /** Statements in flight per writeBlocks call. Default 64. */
  concurrency?: number;
}

export const MaxPageSize = 1000;
const { consistencies } = cassandra.types;
const read = { prepare: true, consistency: consistencies.localQuorum };
const write = { prepare: true, consistency: consistencies.localQuorum, isIdempotent: true };

function pageLimit(page: PageQuery): number {
  const { limit } = page;
  if (!Number.isInteger(limit) || limit < 1 || limit > MaxPageSize)
    throw new RangeError(`page limit must be an integer from 1 to ${MaxPageSize}`);
  return limit;
}

const num = (v: unknown): number => (typeof v === "number" ? v : Number(String(v)));
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;

/** The Store port on Cassandra: query-first tables, one block per height, rows indexed per height for rollback. */
export function createCassandraStore(params: CassandraStoreParameters): Store {
  const ks = params.keyspace;
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(ks)) throw new InvalidKeyspaceNameError(ks);
  if (params.contactPoints.length === 0) throw new Error("createCassandraStore: no contact points given");
  const logger = params.logger ?? silentLogger;
  const concurrency = params.concurrency ?? 64;
  const portOfContact = Number(params.contactPoints[0]?.split(":")[1]);
  const client = new cassandra.Client({
    contactPoints: params.contactPoints,
    localDataCenter: params.localDataCenter,
    protocolOptions: { port: params.port ?? (Number.isInteger(portOfContact) ? portOfContact : 9042) },
    // token-aware routing over DC-aware round robin: each statement goes to a replica of its partition
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.TokenAwarePolicy(
        new cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy(params.localDataCenter),
      ),
    },
    queryOptions: { consistency: consistencies.localQuorum, prepare: true },
    ...(params.username !== undefined
      ? { authProvider: new cassandra.auth.PlainTextAuthProvider(params.username, params.password ?? "") }
      : {}),
    socketOptions: { readTimeout: 30_000 },
  });

  let ready: Promise<{ cursors: PageCursors; bucketSize: number }> | undefined;
  let closed = false;
  const registered = createRegisteredSet();
  const settings = () => {
    if (closed) throw new StoreClosedError();
    ready ??= migrate({
      client,
      keyspace: ks,
      localDataCenter: params.localDataCenter,
      replicationFactor: params.replicationFactor ?? 1,
      bucketSize: params.bucketSize ?? DefaultBucketSize,
      logger,
    }).then((s) => ({ cursors: createPageCursors(s.cursorSecret), bucketSize: s.bucketSize }));
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };

  const exec = (cql: string, values: unknown[], opts: typeof read | typeof write = write) =>
    client.execute(cql, values, opts);

  const cql = {
    insert: (t: BlockTable) => insertCql(ks, t),
    delete: (t: BlockTable) => deleteCql(ks, t),
    heightRows: `SELECT block_hash, keys FROM ${ks}.rows_by_height WHERE block_number = ?`,
    hashRows: `SELECT block_hash, keys FROM ${ks}.rows_by_height WHERE block_number = ? AND block_hash = ?`,
    indexRow: `INSERT INTO ${ks}.rows_by_height (block_number, block_hash, chunk, keys) VALUES (?, ?, ?, ?)`,
    dropIndex: `DELETE FROM ${ks}.rows_by_height WHERE block_number = ? AND block_hash = ?`,
    addressBucket: `INSERT INTO ${ks}.address_buckets (address, kind, bucket) VALUES (?, ?, ?)`,
    blockBucket: `INSERT INTO ${ks}.block_buckets (id, bucket) VALUES (0, ?)`,
    numberOfHash: `SELECT number FROM ${ks}.blocks_by_hash WHERE hash = ?`,
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
    const del = (r: (typeof rows)[number]) => () => exec(cql.delete(r.table), r.key);
    const isBlock = (r: (typeof rows)[number]) =>
      r.table === "blocks_by_number" || r.table === "blocks_by_hash";
    await runLimited(rows.filter(isBlock).map(del), concurrency);
    await runLimited(rows.filter((r) => !isBlock(r)).map(del), concurrency);
    await Promise.all([...new Set(rows.map((r) => r.hash))].map((h) => exec(cql.dropIndex, [number, h])));
  };

  /** The block's height index: every row key it writes, in a few chunk rows of one partition. */
  const indexWrites = (b: IndexedBlock, rows: Row[]) => {
    const keys = rows.map((r) => JSON.stringify([r.table, keyOf(r)]));
    const statements = chunkByBytes(keys).map((chunk, i) => ({
      query: cql.indexRow,
      params: [b.block.number, b.block.hash, i, `[${chunk.join(",")}]`],
    }));
    return partitionBatches(statements, (st) => String(st.params[3]).length).map(
      (batch) => () =>
        batch.length === 1 && batch[0]
          ? exec(batch[0].query, batch[0].params)
          : client.batch(batch, { ...write, logged: false }),
    );
  };

  /** txs_by_block rows of one block share its partition: small ones travel in unlogged batches. */
  const blockTxWrites = (rows: Row[]) =>
    partitionBatches(rows, (r) => String(r.values[2]).length).map(
      (batch) => () =>
        batch.length === 1 && batch[0]
          ? exec(cql.insert("txs_by_block"), batch[0].values)
          : client.batch(
              batch.map((r) => ({ query: cql.insert("txs_by_block"), params: r.values })),
              { ...write, logged: false },
            ),
    );

  const pageAcrossBuckets = async <T>(q: {
    address: string;
    kind: "tx" | "tt";
    table: "txs_by_address" | "token_transfers_by_address";
    column: "tx" | "transfer";
    limit: number;
    cursor: string | null | undefined;
  }): Promise<Page<T>> => {
    const { cursors, bucketSize } = await settings();
    const positionCols = BlockTables[q.table].key.slice(2);
    const query = `${q.table}:${q.address}`;
    const after = q.cursor ? cursors.decode(query, q.cursor, positionCols.length) : null;
    const fromBucket = after ? bucketOf(after[0] ?? 0, bucketSize) : null;
    const bucketsRs = await exec(
      `SELECT bucket FROM ${ks}.address_buckets WHERE address = ? AND kind = ?${fromBucket === null ? "" : " AND bucket <= ?"}`,
      fromBucket === null ? [q.address, q.kind] : [q.address, q.kind, fromBucket],
      read,
    );
    const cols = positionCols.join(", ");
    const found: Array<{ position: number[]; item: T }> = [];
    for await (const b of bucketsRs) {
      const bucket = num(b.bucket);
      const need = q.limit + 1 - found.length;
      const seek = after && bucket === fromBucket;
      const rs = await exec(
        `SELECT ${cols}, ${q.column} FROM ${ks}.${q.table} WHERE address = ? AND bucket = ?${
          seek ? ` AND (${cols}) < (${positionCols.map(() => "?").join(", ")})` : ""
        } LIMIT ${need}`,
        seek ? [q.address, bucket, ...after] : [q.address, bucket],
        read,
      );
      for (const r of rs.rows)
        found.push({ position: positionCols.map((c) => num(r[c])), item: parse<T>(r[q.column]) });
      if (found.length > q.limit) break;
    }
    const items = found.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((f) => f.item),
      nextCursor: found.length > q.limit && last ? cursors.encode(query, last.position) : null,
    };
  };

  return {
    async migrate() {
      await settings();
    },

    async writeBlocks(blocks) {
      if (blocks.length === 0) return;
      const { bucketSize } = await settings();
      // one block per height: within a call the last block of a height wins, as a later call would
      const byHeight = new Map<number, IndexedBlock>();
      for (const b of blocks) byHeight.set(b.block.number, b);
      const all = [...byHeight.values()];
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
      const buckets = new Map<string, { cql: string; values: unknown[] }>();
      for (const b of all) {
        const r = rows.get(b) as BlockRows;
        const blockBucket = bucketOf(b.block.number, bucketSize);
        buckets.set(`b/${blockBucket}`, { cql: cql.blockBucket, values: [blockBucket] });
        for (const row of r.derived)
          if (row.table !== "txs_by_block") tasks.push(() => exec(cql.insert(row.table), row.values));
        tasks.push(...blockTxWrites(r.derived.filter((row) => row.table === "txs_by_block")));
        for (const [address, kind, bucket] of r.buckets)
          buckets.set(`a/${address}/${kind}/${bucket}`, {
            cql: cql.addressBucket,
            values: [address, kind, bucket],
          });
      }
      for (const [key, { cql: statement, values }] of buckets)
        if (!registered.has(key))
          tasks.push(async () => {
            await exec(statement, values);
            registered.add(key);
          });
      await runLimited(tasks, concurrency);
      // 4. the block itself last: once it is visible, all its rows are there
      await runLimited(
        all.flatMap((b) =>
          (rows.get(b) as BlockRows).block.map((row) => () => exec(cql.insert(row.table), row.values)),
        ),
        concurrency,
      );
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
          `SELECT tx, receipt, logs, transfers FROM ${ks}.tx_by_hash WHERE hash = ?`,
          [hash.toLowerCase()],
          read,
        )
      ).first();
      if (!row) return null;
      return {
        transaction: parse<Transaction>(row.tx),
        receipt: row.receipt === null ? null : parse<Receipt>(row.receipt),
        logs: parse<Log[]>(row.logs),
        tokenTransfers: parse<TokenTransfer[]>(row.transfers),
      };
    },

    getAddressTransactions(address, page) {
      const limit = pageLimit(page);
      return pageAcrossBuckets<Transaction>({
        address: address.toLowerCase(),
        kind: "tx",
        table: "txs_by_address",
        column: "tx",
        limit,
        cursor: page.cursor,
      });
    },

    getAddressTokenTransfers(address, page) {
      const limit = pageLimit(page);
      return pageAcrossBuckets<TokenTransfer>({
        address: address.toLowerCase(),
        kind: "tt",
        table: "token_transfers_by_address",
        column: "transfer",
        limit,
        cursor: page.cursor,
      });
    },

    async getCursor(name) {
      await settings();
      const row = (await exec(`SELECT data FROM ${ks}.cursors WHERE name = ?`, [name], read)).first();
      return row ? parse<IngestCursor>(row.data) : null;
    },

    async setCursor(name, cursor) {
      await settings();
      await exec(`INSERT INTO ${ks}.cursors (name, data) VALUES (?, ?)`, [name, JSON.stringify(cursor)]);
    },

    async health(): Promise<StoreHealth> {
      try {
        await client.execute("SELECT release_version FROM system.local", [], { prepare: true });
        const up = client.hosts.values().filter((h) => h.isUp()).length;
        return { ok: true, detail: `${up}/${client.hosts.length} nodes up` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.shutdown();
    },
  };
}
