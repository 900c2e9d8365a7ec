/**
 * Processor throughput on the embedded bus and store, against a baseline of bare store writes of the same blocks
 * (no bus, no decoding), and the decode share alone. Blocks come from a real anvil fed by the devnet workload.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWorkload, startAnvil } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { encodeEnvelope, Topics } from "@chainlog/tx-schema";
import { createProcessor } from "./create-processor.ts";
import { indexBlock } from "./index-block.ts";
import { readBlockEnvelope, waitFor } from "./test-support/publish-blocks.ts";

// Automine (a block per transaction): many small blocks, the processor's per-block cost dominates.
const anvil = await startAnvil({ pruneHistory: true });
const dir = mkdtempSync(join(tmpdir(), "chainlog-processor-bench-"));
try {
  const abort = new AbortController();
  const workload = runWorkload({
    rpcUrl: anvil.rpcUrl,
    accounts: 30,
    txPerSecond: 300,
    signal: abort.signal,
  });
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SECONDS ?? 20) * 1000));
  abort.abort();
  const stats = await workload;
  const head = Number(
    (
      (await (
        await fetch(anvil.rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
        })
      ).json()) as { result: string }
    ).result,
  );
  const envelopes = [];
  for (let n = 0; n <= head; n++) envelopes.push(await readBlockEnvelope(anvil.rpcUrl, n, 31337));
  const txs = envelopes.reduce((s, e) => s + e.transactions.length, 0);
  const logs = envelopes.reduce((s, e) => s + e.logs.length, 0);
  console.log(
    `corpus: ${envelopes.length} anvil blocks, ${txs} transactions, ${logs} logs (workload sent ${stats.sent})`,
  );

  // Decode only.
  let t = performance.now();
  const indexed = envelopes.map((e) => indexBlock(e).indexed);
  const decodeMs = performance.now() - t;
  const transfers = indexed.reduce((s, b) => s + b.tokenTransfers.length, 0);

  // Baseline: the same blocks written straight to a fresh store, 50 per write.
  const bare = await createSqliteStore({ path: join(dir, "bare.db") });
  await bare.migrate();
  t = performance.now();
  for (let i = 0; i < indexed.length; i += 50) await bare.writeBlocks(indexed.slice(i, i + 50));
  const bareMs = performance.now() - t;
  await bare.close();

  // The processor: bus → decode → store → processed announcements, committing per batch.
  const bus = createSqliteBus({ path: join(dir, "bus.db") });
  const store = await createSqliteStore({ path: join(dir, "store.db") });
  await store.migrate();
  const processor = createProcessor({
    bus,
    store,
    logger: createLogger("processor-bench", "silent"),
    metrics: createMetricsRegistry("processor-bench"),
  });
  await processor.start();
  // Timed from the publish: start-up (topics, group join) is not throughput.
  t = performance.now();
  await bus.publish(Topics.blocks, envelopes.map(encodeEnvelope));
  await waitFor(() => processor.stats.blocks >= envelopes.length, 600_000, "the processor");
  const procMs = performance.now() - t;
  await processor.close();
  await bus.close();
  await store.close();

  const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString("en");
  console.log(
    `decode only (indexBlock)        ${rate(envelopes.length, decodeMs)} blocks/s, ${rate(transfers, decodeMs)} transfers/s`,
  );
  console.log(
    `bare store writes (baseline)    ${rate(envelopes.length, bareMs)} blocks/s, ${rate(txs, bareMs)} tx/s`,
  );
  console.log(
    `processor, embedded bus+store   ${rate(envelopes.length, procMs)} blocks/s, ${rate(txs, procMs)} tx/s`,
  );
  console.log(`ratio processor / bare store writes: ${(bareMs / procMs).toFixed(2)}x`);
} finally {
  await anvil.stop();
  rmSync(dir, { recursive: true, force: true });
}
