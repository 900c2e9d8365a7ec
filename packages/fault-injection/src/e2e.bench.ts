import { setTimeout as sleep } from "node:timers/promises";
import { buildChain, rpcBatch } from "@chainlog/devnet";
import { createLogger } from "@chainlog/telemetry";
/**
 * End-to-end throughput in cluster mode: transactions/s from the node to Cassandra through Kafka (ingest and
 * processor as separate processes), from the first block ingest published (its published-blocks counter turning
 * non-zero, polled every 50 ms) to the last block readable in the store. The ceiling is measured in the same run:
 * the same IndexedBlocks, fetched once from the node, written by createCassandraStore().writeBlocks into a keyspace
 * of their own, 50 blocks per call, one call at a time — what the processor does (maxBlocksPerWrite 50, kafkajs
 * handing it one partition batch at a time).
 *
 *   pnpm bench e2e          Env: BENCH_BLOCKS (default 200), BENCH_TXS per block (default 50), BENCH_PARTITIONS (4)
 */

import type { IndexedBlock } from "@chainlog/ports";
import { indexBlock } from "@chainlog/processor";
import { blockFromRpc, receiptsFromRpc } from "@chainlog/tx-schema";
import { startClusterRun } from "./cluster-run.ts";
import { checkStore } from "./store-checker.ts";
import { runLimited, waitFor } from "./wait-for.ts";

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 200);
const TXS = Number(process.env.BENCH_TXS ?? 50);
const WRITE_BATCH = 50;
const CHAIN_ID = 31337;

async function fetchIndexed(rpcUrl: string, head: number): Promise<IndexedBlock[]> {
  const out: IndexedBlock[] = [];
  for (let from = 0; from <= head; from += 20) {
    const tags = Array.from(
      { length: Math.min(20, head + 1 - from) },
      (_, i) => `0x${(from + i).toString(16)}`,
    );
    const raws = await rpcBatch<unknown>(
      rpcUrl,
      tags.map((t) => ["eth_getBlockByNumber", [t, true]]),
    );
    const receipts = await rpcBatch<unknown>(
      rpcUrl,
      tags.map((t) => ["eth_getBlockReceipts", [t]]),
    );
    raws.forEach((raw, i) => {
      const { block, transactions } = blockFromRpc(raw);
      const { receipts: rs, logs } = receiptsFromRpc(receipts[i], block, transactions);
      out.push(
        indexBlock({ kind: "block", chainId: CHAIN_ID, block, transactions, receipts: rs, logs }).indexed,
      );
    });
  }
  return out;
}

const t = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const run = await startClusterRun({
  nodes: 1,
  engines: ["kafka", "cassandra"],
  // ingest and processor start only after the chain is built and the ceiling measured
  services: [],
  anvil: { gasLimit: 100_000_000n },
  extraEnv: { BUS_PARTITIONS: process.env.BENCH_PARTITIONS ?? "4" },
});
try {
  const { anvil, pipeline, store, engines } = run;
  const built = await buildChain(anvil.rpcUrl, BLOCKS, TXS);
  const head = BLOCKS;
  const indexed = await fetchIndexed(anvil.rpcUrl, head);
  const txs = indexed.reduce((s, b) => s + b.transactions.length, 0);
  console.log(`corpus: ${indexed.length} blocks, ${txs} transactions (sent ${built.sent}), ${TXS} per block`);

  // Ceiling: the same rows straight into Cassandra, same store code, same write size. Measured before and after
  // the end-to-end run, each into a fresh keyspace, so a load change on the shared machine shows as a spread.
  const { createCassandraStore } = await import("@chainlog/cassandra-store");
  const ceilingRun = async (suffix: string) => {
    const ceilingStore = createCassandraStore({
      logger: createLogger("e2e-bench-store", "warn"),
      contactPoints: engines.cassandraContactPoints,
      localDataCenter: engines.cassandraLocalDc,
      keyspace: `${pipeline.env.CASSANDRA_KEYSPACE}_${suffix}`,
      port: engines.cassandraPort,
    });
    await ceilingStore.migrate();
    await ceilingStore.writeBlocks(indexed.slice(0, 1)); // prepares the statements outside the timing
    const start = performance.now();
    for (let i = 0; i < indexed.length; i += WRITE_BATCH)
      await ceilingStore.writeBlocks(indexed.slice(i, i + WRITE_BATCH));
    const ms = performance.now() - start;
    await ceilingStore.close();
    return ms;
  };
  const ceilingBeforeMs = await ceilingRun("ceiling_a");

  // End to end: processor first (it joins the group and waits), then ingest, which syncs the chain from genesis.
  pipeline.restart("processor");
  pipeline.restart("ingest");
  const metricsUrl = `http://127.0.0.1:${pipeline.env.INGEST_HTTP_PORT}/metrics`;
  const published = async () => {
    const text = await (await fetch(metricsUrl)).text();
    const line = text.split("\n").find((l) => l.startsWith("chainlog_ingest_blocks_total"));
    return Number(line?.split(" ")[1] ?? 0);
  };
  await waitFor("ingest's first publish", async () => (await published()) > 0, 180_000, 50);
  const t0 = performance.now();
  const missing = new Set(Array.from({ length: head + 1 }, (_, n) => n));
  while (missing.size > 0) {
    const found = await runLimited(
      [...missing].map((n) => async () => ((await store.getBlockByNumber(n)) ? n : -1)),
      32,
    );
    for (const n of found) missing.delete(n);
    if (missing.size > 0) await sleep(50);
    if (performance.now() - t0 > 600_000) throw new Error(`${missing.size} blocks never arrived`);
  }
  const e2eMs = performance.now() - t0;

  const report = await checkStore({ rpcUrl: anvil.rpcUrl, store, senders: built.accounts });
  if (report.problems.length > 0)
    throw new Error(`store differs from the node: ${report.problems.slice(0, 5).join("; ")}`);

  const ceilingAfterMs = await ceilingRun("ceiling_b");
  const ceilingMs = (ceilingBeforeMs + ceilingAfterMs) / 2;
  const ceiling = txs / (ceilingMs / 1000);
  const e2e = txs / (e2eMs / 1000);
  console.log(
    `ceiling  Cassandra writeBlocks (${WRITE_BATCH}/call): ${t(ceilingMs)} (before ${t(ceilingBeforeMs)}, after ${t(ceilingAfterMs)})  ${ceiling.toFixed(0)} tx/s`,
  );
  console.log(`e2e      node → ingest → Kafka → processor → Cassandra: ${t(e2eMs)}  ${e2e.toFixed(0)} tx/s`);
  console.log(
    `ratio    e2e / ceiling = ${(e2e / ceiling).toFixed(2)}  (checker: ${report.blocks} blocks, ${report.transactions} txs exact)`,
  );
} finally {
  await run.stop();
}
process.exit(0);
