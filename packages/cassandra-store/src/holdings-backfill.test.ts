import { enginesForFile } from "@chainlog/engines/vitest";
import { holdingDeltas, type IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCassandraStore } from "./create-cassandra-store.ts";

const engines = enginesForFile(["cassandra"]);
const keyspace = `chainlog_backfill_${process.pid}_${Date.now().toString(36)}`;

const open = (holdingsBackfill = false) =>
  createCassandraStore({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace,
    holdingsBackfill,
    logger: createLogger("holdings-backfill-test", process.env.TEST_LOG_LEVEL ?? "silent"),
  });

const [alice, bob, carol, erc20, nft, multi] = ["alice", "bob", "carol", "erc20", "nft", "multi"].map((l) =>
  addressOf(`backfill-${l}`),
) as [string, string, string, string, string, string];
const people = [alice, bob, carol];

/** Eight blocks: ERC-20 back and forth (several in one block, netted), an NFT passed on, ERC-1155 batches. */
const chain: IndexedBlock[] = Array.from({ length: 8 }, (_, k) =>
  buildBlock({
    number: 10 + k,
    txs: [
      { from: alice, to: erc20, transfers: [{ token: erc20, from: alice, to: bob, value: String(100 + k) }] },
      {
        from: bob,
        to: erc20,
        transfers: [
          { token: erc20, from: bob, to: carol, value: "7" },
          { token: erc20, from: bob, to: alice, value: "3" },
        ],
      },
      {
        from: carol,
        to: nft,
        transfers: [
          { token: nft, from: k % 2 === 0 ? alice : bob, to: k % 2 === 0 ? bob : alice, standard: "erc721" },
          { token: multi, from: carol, to: alice, standard: "erc1155", tokenId: "5", value: "2", batch: 2 },
        ],
      },
    ],
  }),
);

/** What the holdings of `blocks` are, from the port's own netting (pure logic): "address/token/id" → balance. */
function expected(blocks: IndexedBlock[]): Map<string, string> {
  const sums = new Map<string, bigint>();
  for (const b of blocks)
    for (const d of holdingDeltas(b.tokenTransfers)) {
      if (!people.includes(d.address)) continue;
      const k = `${d.address}/${d.token}/${d.tokenId ?? ""}`;
      sums.set(k, (sums.get(k) ?? 0n) + d.delta);
    }
  return new Map([...sums].filter(([, v]) => v !== 0n).map(([k, v]) => [k, v.toString()]));
}

async function holdings(store: ReturnType<typeof open>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const a of people)
    for (const h of await store.getAddressHoldings(a, 1000))
      out.set(`${a}/${h.token}/${h.tokenId ?? ""}`, h.balance);
  return out;
}

describe("CassandraStore holdings backfill (keyspaces made before migration 5)", () => {
  const client = () =>
    new cassandra.Client({
      contactPoints: engines.cassandraContactPoints,
      localDataCenter: engines.cassandraLocalDc,
      protocolOptions: { port: engines.cassandraPort },
    });
  let raw: cassandra.Client;

  /** Puts the keyspace back as a pre-v5 writer left it: no holding rows, none in the height index, no state. */
  const asBeforeV5 = async () => {
    await raw.execute(`TRUNCATE ${keyspace}.holding_deltas`);
    await raw.execute(`DELETE FROM ${keyspace}.store_meta WHERE k = 'holdings_backfill'`);
    const rs = await raw.execute(
      `SELECT block_number, block_hash, chunk, keys FROM ${keyspace}.rows_by_height`,
    );
    for (const r of rs.rows) {
      const keys = (JSON.parse(String(r.keys)) as [string, unknown[]][]).filter(
        ([t]) => t !== "holding_deltas",
      );
      await raw.execute(
        `INSERT INTO ${keyspace}.rows_by_height (block_number, block_hash, chunk, keys) VALUES (?, ?, ?, ?)`,
        [r.block_number, r.block_hash, r.chunk, JSON.stringify(keys)],
        { prepare: true },
      );
    }
  };

  beforeAll(async () => {
    const writer = open();
    await writer.writeBlocks(chain);
    // the writer of this version keeps holdings with each block: the reference the backfill must reach
    expect(await holdings(writer)).toEqual(expected(chain));
    // a keyspace this version created has nothing to fill
    expect(await writer.backfillHoldings()).toBe("done");
    await writer.close();
    raw = client();
  }, 300_000);
  // the file's Cassandra is its own and goes with it: no keyspace to drop
  afterAll(async () => raw?.shutdown());

  it("fills them once, resuming after an interruption, idempotent, and a rollback takes them off", async () => {
    await asBeforeV5();
    const first = open();
    expect(await holdings(first)).toEqual(new Map());
    // interrupted after one step of two heights
    expect(await first.backfillHoldings({ batch: 2, maxSteps: 1 })).toBe("stopped");
    expect(await holdings(first)).toEqual(expected(chain.slice(0, 2)));
    // what an answer states meanwhile: heights 10 and 11 filled, 12 to 17 not yet (complete only above 17)
    expect(await first.getHoldingsBackfill()).toEqual({ from: 10, next: 12, upTo: 17 });
    await first.close();

    const second = open();
    expect(await second.getHoldingsBackfill()).toEqual({ from: 10, next: 12, upTo: 17 });
    expect(await second.backfillHoldings({ batch: 2 })).toBe("done");
    expect(await holdings(second)).toEqual(expected(chain));
    expect(await second.getHoldingsBackfill()).toBeNull();
    // done is done: a later start does nothing
    expect(await second.backfillHoldings()).toBe("done");
    // run again over rows already there (the state lost): the same rows, nothing counted twice
    await raw.execute(`DELETE FROM ${keyspace}.store_meta WHERE k = 'holdings_backfill'`);
    expect(await second.backfillHoldings({ batch: 3 })).toBe("done");
    expect(await holdings(second)).toEqual(expected(chain));

    // the backfilled rows joined the blocks' height index: rolling back the newest block takes its part off
    const top = chain.at(-1)!.block;
    await second.rollbackBlock({ number: top.number, hash: top.hash });
    expect(await holdings(second)).toEqual(expected(chain.slice(0, -1)));
    await second.close();
  }, 300_000);

  it("runs by itself in the background after migrate (the default)", async () => {
    await asBeforeV5();
    const store = open(true);
    await store.migrate();
    const want = expected(chain.slice(0, -1));
    await expect.poll(() => holdings(store), { timeout: 120_000, interval: 500 }).toEqual(want);
    await store.close();
  }, 300_000);
});
