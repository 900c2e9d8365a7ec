import { createCassandraStore } from "@chainlog/cassandra-store";
import { enginesForFile } from "@chainlog/engines/vitest";
import { createLogger } from "@chainlog/telemetry";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, sampleChain, TOKEN } from "../test-support/api-harness.ts";
import { loadAddressBalances } from "./balances.ts";

const engines = enginesForFile(["cassandra"]);
const keyspace = `chainlog_api_balances_${process.pid}_${Date.now().toString(36)}`;
const chain = sampleChain(6);

const open = () =>
  createCassandraStore({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace,
    holdingsBackfill: false,
    logger: createLogger("balances-cassandra-test", process.env.TEST_LOG_LEVEL ?? "silent"),
  });

describe("balances on Cassandra while the holdings backfill of an older keyspace runs", () => {
  let raw: cassandra.Client;
  beforeAll(async () => {
    const writer = open();
    await writer.writeBlocks(chain);
    await writer.close();
    raw = new cassandra.Client({
      contactPoints: engines.cassandraContactPoints,
      localDataCenter: engines.cassandraLocalDc,
      protocolOptions: { port: engines.cassandraPort },
    });
    // as a writer before migration 5 left it: no holdings, no backfill state (the height index keeps its other rows)
    await raw.execute(`TRUNCATE ${keyspace}.holding_deltas`);
    await raw.execute(`DELETE FROM ${keyspace}.store_meta WHERE k = 'holdings_backfill'`);
  }, 300_000);
  afterAll(async () => raw?.shutdown());

  it("states the range its holdings cover (never lower than filled), then the whole range once done", async () => {
    const store = open();
    const balances = () => loadAddressBalances({ store, rpc: null, ethBalance: null }, ALICE, false);
    // interrupted after heights 1 and 2: 3 to 6 are not filled, so nothing is complete below 7
    expect(await store.backfillHoldings({ batch: 2, maxSteps: 1 })).toBe("stopped");
    const during = await balances();
    expect(during.indexed).toEqual({
      fromBlock: 7,
      toBlock: 6,
      fromGenesis: false,
      pending: { fromBlock: 3, toBlock: 6 },
    });
    // what it holds so far: the two filled heights' transfers, not more
    expect(during.holdings).toEqual([
      expect.objectContaining({ token: TOKEN, balance: String(2 * 2_500_000) }),
    ]);

    expect(await store.backfillHoldings({ batch: 2 })).toBe("done");
    const after = await balances();
    expect(after.indexed).toEqual({ fromBlock: 1, toBlock: 6, fromGenesis: false });
    expect(after.holdings).toEqual([
      expect.objectContaining({ token: TOKEN, balance: String(6 * 2_500_000) }),
    ]);
    await store.close();
  }, 300_000);
});
