import { enginesForFile } from "@chainlog/engines/vitest";
import type { Page, Store } from "@chainlog/ports";
import {
  addressOf,
  allPages,
  buildBlock,
  describeChainDataContract,
  describeOperationalStateContract,
  richActors,
  richBlock,
  uniqueDayStart,
} from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { mergeBlockStats, type TokenTransfer, utcDay } from "@chainlog/tx-schema";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOf, tokenBucketSize } from "./bucket.ts";
import { createCassandraStore } from "./create-cassandra-store.ts";
import { createCassandraOperationalState } from "./operational-state.ts";
import { Migrations } from "./schema/migrations.ts";

const logger = createLogger("cassandra-store-test", process.env.TEST_LOG_LEVEL ?? "silent");

let keyspaces = 0;
const freshKeyspace = () => `chainlog_test_${process.pid}_${Date.now().toString(36)}_${keyspaces++}`;

const engines = enginesForFile(["cassandra"]);

const open = (keyspace = freshKeyspace(), bucketSize?: number) =>
  createCassandraStore({
    logger,
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace,
    ...(bucketSize ? { bucketSize } : {}),
  });

const raw = () =>
  new cassandra.Client({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    protocolOptions: { port: engines.cassandraPort },
  });

const openState = (keyspace: string) =>
  createCassandraOperationalState({
    logger,
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace,
  });

// The writer and the read model opened apart on one keyspace, as the processor and query-api processes open it.
const chainKeyspace = freshKeyspace();
describeChainDataContract("CassandraStore", async () => {
  const [writer, readModel] = [open(chainKeyspace), open(chainKeyspace)];
  return {
    writer,
    readModel,
    cleanup: async () => void (await Promise.all([writer.close(), readModel.close()])),
  };
});

// Small buckets so address history spans many partitions: paging must walk them newest first.
describeChainDataContract("CassandraStore (bucket size 3)", async () => {
  const store = open(freshKeyspace(), 3);
  return { writer: store, readModel: store, cleanup: () => store.close() };
});

// on the chain suite's keyspace (migrated already: a keyspace takes seconds to create on a loaded machine)
describeOperationalStateContract("CassandraStore", async () => {
  const state = open(chainKeyspace);
  return { state, cleanup: () => state.close() };
});

describeOperationalStateContract("CassandraOperationalState (alone)", async () => {
  const state = openState(freshKeyspace());
  return { state, cleanup: () => state.close() };
});

describe("CassandraOperationalState alone", () => {
  it("creates only its own tables; the whole store opened later migrates the keyspace and reads them", async () => {
    const keyspace = freshKeyspace();
    const state = openState(keyspace);
    const client = raw();
    const tables = async () =>
      (
        await client.execute(
          "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
          [keyspace],
          {
            prepare: true,
          },
        )
      ).rows
        .map((r) => String(r.table_name))
        .sort();
    const cursor = {
      chainId: 1,
      tip: { number: 7, hash: `0x${"ab".repeat(32)}` },
      recent: [],
      updatedAt: 1_700_000_000_000,
    };
    let store: Store | undefined;
    try {
      await state.setCursor("ingest:1", cursor);
      expect(await tables()).toEqual(["cursors", "schema_lock", "schema_migrations", "service_status"]);
      store = open(keyspace);
      await store.migrate();
      expect(await tables()).toContain("blocks_by_number");
      expect(await store.getCursor("ingest:1")).toEqual(cursor);
      const versions = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
      expect(versions.rows.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual(
        Migrations.map((m) => m.version),
      );
    } finally {
      await Promise.allSettled([state.close(), store?.close(), client.shutdown()]);
    }
  }, 300_000);
});

describe("CassandraStore specifics", () => {
  it("migrates once under concurrent starts, and keeps the first bucket size", async () => {
    const keyspace = freshKeyspace();
    const stores = [open(keyspace, 7), open(keyspace, 7), open(keyspace, 50)];
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      const a = addressOf(`concurrent-${keyspace}`);
      const blocks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) =>
        buildBlock({ number: 100 + k * 5, txs: [{ from: a, to: addressOf("sink") }] }),
      );
      await stores[0]!.writeBlocks(blocks);
      // the store opened with bucket size 50 reads through the keyspace's size (7), so it sees every row
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await stores[2]!.getAddressTransactions(a, { limit: 3, cursor });
        seen.push(...page.items.map((t) => t.hash));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(blocks.map((b) => b.transactions[0]!.hash).reverse());
      // a cursor from one process is valid in another on the same keyspace
      const first = await stores[0]!.getAddressTransactions(a, { limit: 4 });
      const next = await stores[1]!.getAddressTransactions(a, { limit: 4, cursor: first.nextCursor });
      expect(next.items.map((t) => t.hash)).toEqual(seen.slice(4, 8));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 300_000);

  it("refuses a keyspace name that is not a plain CQL identifier", () => {
    expect(() =>
      createCassandraStore({
        logger,
        contactPoints: ["127.0.0.1"],
        localDataCenter: "dc1",
        keyspace: "x; DROP KEYSPACE system",
      }),
    ).toThrow(/invalid Cassandra keyspace/);
  });
});

describe("CassandraStore on one migrated keyspace (bucket size 300)", () => {
  // one keyspace for these: creating one (30 tables) takes seconds on a loaded machine
  const keyspace = freshKeyspace();
  let store: Store;
  let client: cassandra.Client;

  beforeAll(async () => {
    store = open(keyspace, 300);
    client = raw();
    await store.migrate();
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled([store?.close(), client?.shutdown()]);
  }, 60_000);

  it("re-running every migration statement on a migrated keyspace changes nothing (interrupted migrations resume)", async () => {
    for (const m of Migrations) for (const cql of m.statements(keyspace)) await client.execute(cql);
    const versions = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
    expect(versions.rows.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual(
      Migrations.map((m) => m.version),
    );
  }, 300_000);

  it("reads a transaction written before schema v2 (no decoded-event columns) with empty event lists", async () => {
    const b = buildBlock({ number: 77, txs: [{ from: addressOf("v1-a"), to: addressOf("v1-b") }] });
    const tx = b.transactions[0]!;
    await client.execute(
      `INSERT INTO ${keyspace}.tx_by_hash (hash, block_hash, block_number, tx_index, tx, receipt, logs, transfers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [tx.hash, b.block.hash, 77, 0, JSON.stringify(tx), JSON.stringify(b.receipts[0]), "[]", "[]"],
      { prepare: true },
    );
    expect(await store.getTransaction(tx.hash)).toEqual({
      transaction: tx,
      receipt: b.receipts[0],
      logs: [],
      tokenTransfers: [],
      swaps: [],
      approvals: [],
      wethEvents: [],
      contractCreations: [],
      internalTransactions: [],
    });
  }, 120_000);

  it("a hot token's transfers in one block go in partition batches; all read back and all roll back", async () => {
    const token = addressOf("hot-token");
    const who = (i: number) => addressOf(`hot-${i % 40}`);
    const block = buildBlock({
      number: 1_234,
      txs: Array.from({ length: 120 }, (_, i) => ({
        from: who(i),
        to: token,
        transfers: [{ token, from: who(i), to: who(i + 1), value: String(i + 1) }],
      })),
    });
    await store.writeBlocks([block]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<TokenTransfer> = await store.getTokenTransfers(token, { limit: 50, cursor });
      seen.push(...page.items.map((t) => t.transactionHash));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(block.tokenTransfers.map((t) => t.transactionHash).reverse());
    // bucket size 300 → token buckets of 3 blocks: block 1234 is in token bucket 411
    expect(bucketOf(1_234, tokenBucketSize(300))).toBe(411);
    const count = async () =>
      Number(
        (
          await client.execute(
            `SELECT COUNT(*) AS n FROM ${keyspace}.transfers_by_token WHERE token_address = ? AND bucket = ?`,
            [token, 411],
            { prepare: true },
          )
        ).first()?.n,
      );
    expect(await count()).toBe(120);
    await store.rollbackBlock({ number: block.block.number, hash: block.block.hash });
    expect(await store.getTokenTransfers(token, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(await count()).toBe(0);
  }, 120_000);

  it("a block whose write died before its block rows is cleared, derived rows and all, by the next block at its height", async () => {
    const label = `crash-${keyspace}`;
    const x = richActors(label);
    const day = uniqueDayStart();
    const a = richBlock(5_000, label, { fork: "a", timestamp: day + 10, balance: "1" });
    const b = richBlock(5_000, label, { fork: "b", timestamp: day + 11, balance: "2", deploys: false });
    await store.writeBlocks([a]);
    // the crash: A's derived rows and height index are stored, its block rows (written last) are not
    await client.execute(`DELETE FROM ${keyspace}.blocks_by_hash WHERE hash = ?`, [a.block.hash], {
      prepare: true,
    });
    await client.execute(
      `DELETE FROM ${keyspace}.blocks_by_number WHERE bucket = ? AND number = ?`,
      [16, 5_000],
      {
        prepare: true,
      },
    );
    expect(await store.getBlockByNumber(5_000)).toBeNull();
    await store.writeBlocks([b]);

    for (const tx of a.transactions) expect(await store.getTransaction(tx.hash)).toBeNull();
    expect(await allPages((cursor) => store.getAddressSwaps(x.alice, { limit: 5, cursor }))).toEqual(b.swaps);
    expect(await allPages((cursor) => store.getPriceSeries(x.token, "ETH", { limit: 5, cursor }))).toEqual(
      b.pricePoints.filter((p) => p.quote === "ETH").reverse(),
    );
    expect(await store.getContractCreation(x.made)).toBeNull();
    expect((await store.getAddressBalances(x.watched)).map((s) => s.blockHash)).toEqual([
      b.block.hash,
      b.block.hash,
    ]);
    expect(await store.getDailyStats(utcDay(day), utcDay(day))).toEqual(mergeBlockStats([b.stats]));
  }, 120_000);

  it("service status rows carry a TTL, so instances that stop reporting disappear from the table", async () => {
    const now = Date.now();
    await store.putServiceStatus({
      service: "processor",
      instance: "p-1",
      updatedAt: now,
      lastBlock: 10,
      consumerLag: 0,
      blocksPerSecond: 1.5,
      rollbacks: 0,
      lastProgressAt: now,
    });
    const rs = await client.execute(`SELECT TTL(data) AS ttl FROM ${keyspace}.service_status WHERE id = 0`);
    const ttl = Number(rs.first()?.ttl);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400);
    await expect(store.putServiceStatus({ service: "processor", instance: "" } as never)).rejects.toThrow();
  }, 120_000);
});
