import { type TestEngines, testEngines } from "@chainlog/engines";
import { addressOf, buildBlock, describeStoreContract } from "@chainlog/ports/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCassandraStore } from "./create-cassandra-store.ts";

let engines: TestEngines;
let keyspaces = 0;
const freshKeyspace = () => `chainlog_test_${process.pid}_${Date.now().toString(36)}_${keyspaces++}`;

beforeAll(async () => {
  const t = Date.now();
  engines = await testEngines(["cassandra"]);
  console.log(`cassandra ready in ${Date.now() - t} ms`);
}, 600_000);

afterAll(async () => {
  await engines?.stop();
}, 120_000);

const open = (keyspace = freshKeyspace(), bucketSize?: number) =>
  createCassandraStore({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace,
    ...(bucketSize ? { bucketSize } : {}),
  });

describeStoreContract("CassandraStore", async () => {
  const store = open();
  return { store, cleanup: () => store.close() };
});

// Small buckets so address history spans many partitions: paging must walk them newest first.
describeStoreContract("CassandraStore (bucket size 3)", async () => {
  const store = open(freshKeyspace(), 3);
  return { store, cleanup: () => store.close() };
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
        contactPoints: ["127.0.0.1"],
        localDataCenter: "dc1",
        keyspace: "x; DROP KEYSPACE system",
      }),
    ).toThrow(/invalid Cassandra keyspace/);
  });
});
