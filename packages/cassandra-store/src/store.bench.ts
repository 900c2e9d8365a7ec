import { createLogger } from "@chainlog/telemetry";
/**
 * writeBlocks throughput against the ceiling: the same data rows written by a raw prepared-statement INSERT
 * loop at the same concurrency, into a keyspace with the same schema, in the same run (interleaved per call). The store does more
 * per row (height index for rollback, clearing the height, bucket registrations), so the ratio shows their cost.
 * The blocks carry every derived row kind (transfers, swaps, prices, approvals, WETH events, balances, stats).
 * The raw loop sends one INSERT per row; the store sends rows of one partition as one unlogged batch, which can
 * make up for its extra work (a ratio near or above 1 is that, not a measuring error).
 *
 *   pnpm --filter @chainlog/cassandra-store bench            # starts a private Cassandra
 *   CASSANDRA_CONTACT_POINTS=127.0.0.1:9042 … bench          # or uses a running one
 * Env: BENCH_BLOCKS (default 300), BENCH_TXS (per block, default 40), BENCH_BATCH (blocks per call, default 10).
 */

import { testEngines } from "@chainlog/engines";
import type { IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import cassandra from "cassandra-driver";
import { blockRows } from "./block-rows.ts";
import { createCassandraStore } from "./create-cassandra-store.ts";
import { runLimited } from "./run-limited.ts";
import { insertCql } from "./schema/tables.ts";

const logger = createLogger("cassandra-store-bench", process.env.TEST_LOG_LEVEL ?? "silent");

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 300);
const TXS = Number(process.env.BENCH_TXS ?? 40);
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const CONCURRENCY = 64;

/** Blocks with every derived row kind: transfers, swaps with prices, approvals, WETH events, balances. */
function makeBlocks(start: number): IndexedBlock[] {
  const addresses = Array.from({ length: 500 }, (_, i) => addressOf(`bench-${i}`));
  const [token, weth, pool, router] = ["token", "weth", "pool", "router"].map((s) =>
    addressOf(`bench-${s}`),
  ) as [string, string, string, string];
  const pick = (n: number) => addresses[n % addresses.length] as string;
  return Array.from({ length: BLOCKS }, (_, b) =>
    buildBlock({
      number: start + b,
      balances: [
        { address: pick(b), balance: String(1_000_000 + b) },
        { address: pick(b), token, balance: String(b + 1) },
      ],
      txs: Array.from({ length: TXS }, (_, i) => ({
        from: pick(b * 7 + i * 13),
        to: pick(b * 11 + i * 3 + 1),
        transfers: i % 2 === 0 ? [{ token, from: pick(i), to: pick(b + i + 2), value: String(i + 1) }] : [],
        logs: i % 3 === 0 ? 1 : 0,
        ...(i % 5 === 0
          ? {
              swaps: [
                {
                  pool,
                  sender: router,
                  recipient: pick(b + i),
                  token0: weth,
                  token1: token,
                  prices: [{ token, quote: "ETH" as const, price: 0.001 + i / 1e6 }],
                },
              ],
            }
          : {}),
        ...(i % 7 === 0 ? { approvals: [{ token, owner: pick(b + i), spender: router, value: "1" }] } : {}),
        ...(i % 9 === 0 ? { weth: [{ token: weth, account: pick(i), value: "5" }] } : {}),
      })),
    }),
  );
}

async function main() {
  const given = process.env.CASSANDRA_CONTACT_POINTS;
  const engines = given ? undefined : await testEngines(["cassandra"]);
  const contactPoints = given ? given.split(",") : (engines?.cassandraContactPoints ?? []);
  const localDataCenter = process.env.CASSANDRA_LOCAL_DC ?? engines?.cassandraLocalDc ?? "dc1";
  const port = engines?.cassandraPort;
  const tag = Date.now().toString(36);
  const storeKs = `bench_store_${tag}`;
  const rawKs = `bench_raw_${tag}`;
  const blocks = makeBlocks(1_000_000);
  const dataRows = blocks.reduce((n, b) => {
    const r = blockRows(b, 100_000);
    return n + r.derived.length + r.block.length;
  }, 0);

  const open = (keyspace: string) =>
    createCassandraStore({ logger, contactPoints, localDataCenter, keyspace, ...(port ? { port } : {}) });
  const store = open(storeKs);
  const rawSchema = open(rawKs);
  const client = new cassandra.Client({
    contactPoints,
    localDataCenter,
    ...(port ? { protocolOptions: { port } } : {}),
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
  });
  try {
    await Promise.all([store.migrate(), rawSchema.migrate()]);
    // warm-up: prepare statements and JIT on both paths, outside the timing
    const warm = makeBlocks(5_000_000).slice(0, 2);
    await store.writeBlocks(warm);

    // interleaved call by call, so a load swing on the shared machine hits both sides alike
    let storeMs = 0;
    let rawMs = 0;
    for (let i = 0; i < blocks.length; i += BATCH) {
      const slice = blocks.slice(i, i + BATCH);
      const t0 = performance.now();
      await store.writeBlocks(slice);
      storeMs += performance.now() - t0;

      const t1 = performance.now();
      const rows = slice.flatMap((b) => {
        const r = blockRows(b, 100_000);
        return [...r.derived, ...r.block];
      });
      await runLimited(
        rows.map(
          (row) => () =>
            client.execute(insertCql(rawKs, row.table), row.values, { prepare: true, isIdempotent: true }),
        ),
        CONCURRENCY,
      );
      rawMs += performance.now() - t1;
    }

    const fmt = (x: number) => x.toFixed(0);
    console.log(
      `CassandraStore.writeBlocks: ${BLOCKS} blocks × ${TXS} txs, ${dataRows} data rows, ${BATCH} blocks per call, concurrency ${CONCURRENCY}`,
    );
    console.log(
      `  store : ${fmt(storeMs)} ms  ${fmt((BLOCKS / storeMs) * 1000)} blocks/s  ${fmt(((BLOCKS * TXS) / storeMs) * 1000)} tx/s  ${fmt((dataRows / storeMs) * 1000)} data rows/s`,
    );
    console.log(
      `  raw   : ${fmt(rawMs)} ms  ${fmt((BLOCKS / rawMs) * 1000)} blocks/s  ${fmt(((BLOCKS * TXS) / rawMs) * 1000)} tx/s  ${fmt((dataRows / rawMs) * 1000)} data rows/s (ceiling: prepared INSERT loop)`,
    );
    console.log(`  ratio : store / raw = ${(rawMs / storeMs).toFixed(2)}`);
  } finally {
    await Promise.allSettled([
      client.execute(`DROP KEYSPACE IF EXISTS ${storeKs}`),
      client.execute(`DROP KEYSPACE IF EXISTS ${rawKs}`),
    ]);
    await Promise.allSettled([store.close(), rawSchema.close(), client.shutdown()]);
    await engines?.stop();
  }
}

await main();
