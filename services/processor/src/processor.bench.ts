/**
 * `pnpm bench processor`. Blocks come from a real anvil fed by the devnet workload (transfers, NFTs, WETH, swaps on
 * three pairs). Three figures, each against a baseline measured here on the same data:
 *  1. decoded events/s of the processor (bus → decode → enrich by RPC → store) vs a bare decodeLogs loop;
 *  2. processor blocks/s on the embedded store vs writing the same IndexedBlocks straight to it;
 *  3. the same on Cassandra (a private single node from @chainlog/engines; BENCH_CASSANDRA=0 skips it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createCassandraStore } from "@chainlog/cassandra-store";
import { decodeLogs } from "@chainlog/decoders";
import { rpc, startAnvil, startWorkload, waitFor } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import { testEngines } from "@chainlog/engines";
import type { IndexedBlock, Store } from "@chainlog/ports";
import { createRpcPool } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { type BlockEnvelope, encodeEnvelope, Topics } from "@chainlog/tx-schema";
import { createProcessor } from "./create-processor.ts";
import { createBlockEnricher } from "./enrich/create-block-enricher.ts";
import { indexBlock } from "./index-block.ts";
import { readBlockEnvelope } from "./test-support/publish-blocks.ts";

const logger = createLogger("processor-bench", "silent");
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en");

// Not pruned: the processor traces blocks and reads balances at them, as against a full node.
const anvil = await startAnvil({ gasLimit: 60_000_000n });
const dir = mkdtempSync(join(tmpdir(), "chainlog-processor-bench-"));
try {
  const abort = new AbortController();
  // Traffic for BENCH_SECONDS after the contracts are deployed and the senders funded (slow on a busy machine).
  const workload = await startWorkload({
    rpcUrl: anvil.rpcUrl,
    accounts: 30,
    txPerSecond: 300,
    signal: abort.signal,
  });
  const watched = workload.accounts.slice(0, 10).map((a) => a.toLowerCase());
  const quotes = {
    weth: workload.contracts.weth.toLowerCase(),
    stablecoin: workload.contracts.stablecoin.toLowerCase(),
  };
  await sleep(Number(process.env.BENCH_SECONDS ?? 20) * 1000);
  abort.abort();
  const sent = await workload.done;
  const head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
  const envelopes: BlockEnvelope[] = [];
  for (let n = 0; n <= head; n++) envelopes.push(await readBlockEnvelope(anvil.rpcUrl, n, 31337));
  const txs = envelopes.reduce((s, e) => s + e.transactions.length, 0);
  const logs = envelopes.reduce((s, e) => s + e.logs.length, 0);
  console.log(
    `corpus: ${envelopes.length} anvil blocks, ${txs} transactions, ${logs} logs (workload sent ${sent.sent})`,
  );
  const enrich = () => ({
    pool: createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger }),
    traces: "on" as const,
    weth: quotes.weth,
    stablecoins: [quotes.stablecoin],
    watched: (a: string) => watched.includes(a),
  });

  // 1. Bare decode loop: decodeLogs over every block's logs, nothing else, repeated for at least half a second.
  let events = 0;
  for (const e of envelopes) {
    const d = decodeLogs(e.logs);
    events += d.tokenTransfers.length + d.approvals.length + d.wethEvents.length + d.swaps.length;
    events += d.syncs.length;
  }
  let t = performance.now();
  let rounds = 0;
  while (performance.now() - t < 500 || rounds < 5) {
    for (const e of envelopes) decodeLogs(e.logs);
    rounds += 1;
  }
  const bareDecodeMs = (performance.now() - t) / rounds;

  // The raw IndexedBlocks the direct-write baselines write; and the enrichment stage's RPC work on the same
  // blocks, timed on its own (it runs beside the raw stage, off its path).
  const indexed: IndexedBlock[] = envelopes.map((e) => indexBlock(e).indexed);
  const enricher = createBlockEnricher({
    ...enrich(),
    store: { getTokens: async () => new Map(), upsertTokens: async () => {} },
    logger,
  });
  t = performance.now();
  let derived = 0;
  for (let i = 0; i < envelopes.length; i += 50)
    for (const e of await enricher.enrich(envelopes.slice(i, i + 50).map(indexBlock)))
      derived += e.swaps.length + e.pricePoints.length + e.balances.length;
  const indexMs = performance.now() - t;

  const measure = async (name: string, open: () => Promise<Store>) => {
    const bus = createSqliteBus({ path: join(dir, `${name}-bus.db`) });
    const store = await open();
    await store.migrate();
    const processor = createProcessor({
      bus,
      store,
      logger,
      metrics: createMetricsRegistry(`processor-bench-${name}`),
      enrich: null,
    });
    await processor.start();
    // Timed from the publish: start-up (topics, group join) is not throughput.
    let start = performance.now();
    await bus.publish(Topics.blocks, envelopes.map(encodeEnvelope));
    // devnet's poll, not the test suites' (vitest's vi.waitFor works only inside a test run)
    await waitFor(
      `the processor on ${name}`,
      async () => processor.stats.blocks >= envelopes.length,
      900_000,
      50,
    );
    const procMs = performance.now() - start;
    await processor.close();
    await bus.close();
    await store.close();

    // Baseline after the processor, on a fresh store: the engine is warm, so the ratio does not flatter us.
    const bare = await open();
    await bare.migrate();
    start = performance.now();
    for (let i = 0; i < indexed.length; i += 50) await bare.writeBlocks(indexed.slice(i, i + 50));
    const directMs = performance.now() - start;
    await bare.close();
    return { directMs, procMs, failures: 0 };
  };

  const embedded = await measure("embedded", async () =>
    createSqliteStore({ path: join(dir, `store-${Date.now()}.db`) }),
  );
  console.log(
    `bare decode loop (decodeLogs)          ${rate(events, bareDecodeMs)} events/s (${events} events)`,
  );
  console.log(
    `index + enrich by RPC (no store)       ${rate(envelopes.length, indexMs)} blocks/s, ${derived} swaps/prices/balances`,
  );
  console.log(
    `processor, embedded: decoded events    ${rate(events, embedded.procMs)} events/s  ratio vs bare decode ${(bareDecodeMs / embedded.procMs).toFixed(4)}x`,
  );
  console.log(
    `embedded direct writes (baseline)      ${rate(envelopes.length, embedded.directMs)} blocks/s, ${rate(txs, embedded.directMs)} tx/s`,
  );
  console.log(
    `processor, embedded bus+store          ${rate(envelopes.length, embedded.procMs)} blocks/s, ${rate(txs, embedded.procMs)} tx/s  ratio ${(embedded.directMs / embedded.procMs).toFixed(2)}x (raw stage; the enrichment stage runs beside it)`,
  );

  if (process.env.BENCH_CASSANDRA !== "0") {
    const engines = await testEngines(["cassandra"]);
    try {
      let n = 0;
      const cassandra = await measure("cassandra", async () =>
        createCassandraStore({
          logger,
          contactPoints: engines.cassandraContactPoints,
          localDataCenter: engines.cassandraLocalDc,
          port: engines.cassandraPort,
          keyspace: `bench_processor_${Date.now().toString(36)}_${n++}`,
        }),
      );
      console.log(
        `cassandra direct writes (baseline)     ${rate(envelopes.length, cassandra.directMs)} blocks/s, ${rate(txs, cassandra.directMs)} tx/s`,
      );
      console.log(
        `processor, embedded bus + Cassandra    ${rate(envelopes.length, cassandra.procMs)} blocks/s, ${rate(txs, cassandra.procMs)} tx/s  ratio ${(cassandra.directMs / cassandra.procMs).toFixed(2)}x (raw stage; the enrichment stage runs beside it)`,
      );
    } finally {
      await engines.stop();
    }
  }
} finally {
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
}
