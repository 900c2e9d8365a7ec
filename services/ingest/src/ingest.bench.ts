/**
 * `pnpm bench ingest`: how close ingest's backfill (batching, validation, ordering) gets to the node's own
 * ceiling. One anvil holding ≥ 2 000 blocks and ≥ 50 000 transactions; (a) a bare JSON-RPC batch loop that only
 * fetches and parses, (b) ingest into a discarding sink with the same batch shape and concurrency ceiling.
 */
import { availableParallelism, cpus } from "node:os";
import { startAnvil } from "@chainlog/devnet";
import { createRpcMetrics, createRpcPool, postBatch } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { createIngest } from "./ingest.ts";
import { createIngestMetrics } from "./ingest-metrics.ts";
import { createDiscardingSink } from "./publish/block-sink.ts";

const TX_BLOCKS = Number(process.env.BENCH_TX_BLOCKS ?? 1000);
const TX_PER_BLOCK = Number(process.env.BENCH_TX_PER_BLOCK ?? 50);
const EMPTY_BLOCKS = Number(process.env.BENCH_EMPTY_BLOCKS ?? 1000);
const BLOCKS_PER_BATCH = 10;
const CONCURRENCY = 16;
const hex = (n: number | bigint) => `0x${n.toString(16)}`;

async function call<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const [out] = await postBatch(url, [{ method, params }], 60_000);
  if (!out!.ok) throw out!.error;
  return out!.value as T;
}

/** Fills the node: per block, one JSON-RPC batch of transfers from 10 unlocked senders, then anvil_mine. */
async function fill(url: string): Promise<{ head: number; txs: number }> {
  const accounts = await call<string[]>(url, "eth_accounts", []);
  const senders = accounts.slice(0, 10);
  const nonces = senders.map(() => 0);
  let txs = 0;
  const started = performance.now();
  for (let b = 0; b < TX_BLOCKS; b++) {
    const calls = Array.from({ length: TX_PER_BLOCK }, (_, i) => {
      const s = i % senders.length;
      return {
        method: "eth_sendTransaction",
        params: [
          {
            from: senders[s],
            to: accounts[10 + (i % 10)],
            value: hex(1 + i),
            gas: hex(21_000),
            maxFeePerGas: hex(100_000_000_000n),
            maxPriorityFeePerGas: hex(1_000_000_000n),
            nonce: hex(nonces[s]!++),
          },
        ],
      };
    });
    const out = await postBatch(url, calls, 60_000);
    const failed = out.find((o) => !o.ok);
    if (failed && !failed.ok) throw failed.error;
    await call(url, "anvil_mine", ["0x1"]);
    txs += TX_PER_BLOCK;
  }
  await call(url, "anvil_mine", [hex(EMPTY_BLOCKS)]);
  const head = Number(BigInt(await call<string>(url, "eth_blockNumber", [])));
  console.log(`filled ${head} blocks, ${txs} txs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { head, txs };
}

/** (a) The ceiling: the same batches, fixed concurrency, JSON parsing only. */
async function bareLoop(url: string, head: number): Promise<{ seconds: number; txs: number }> {
  let next = 0;
  let txs = 0;
  const started = performance.now();
  const worker = async () => {
    while (next <= head) {
      const from = next;
      const to = Math.min(head, from + BLOCKS_PER_BATCH - 1);
      next = to + 1;
      const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const out = await postBatch(
        url,
        [
          ...numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), true] })),
          ...numbers.map((n) => ({ method: "eth_getBlockReceipts", params: [hex(n)] })),
        ],
        60_000,
      );
      for (const o of out.slice(0, numbers.length))
        if (o.ok) txs += (o.value as { transactions: unknown[] }).transactions.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - started) / 1000, txs };
}

/** (b) Ingest: pool, validation against tx-schema, hash linkage, ordered publication into a discarding sink. */
async function ingestRun(url: string, head: number): Promise<{ seconds: number; txs: number }> {
  const registry = createMetricsRegistry("ingest-bench");
  const logger = createLogger("ingest-bench", "warn");
  const pool = createRpcPool({
    endpoints: [{ url }],
    logger,
    metrics: createRpcMetrics(registry),
    timeoutMs: 60_000,
    maxConcurrency: CONCURRENCY,
  });
  const sink = createDiscardingSink();
  const metrics = createIngestMetrics(registry);
  const ingest = createIngest({
    pool,
    sink,
    chainId: 31337,
    logger,
    metrics,
    from: 0,
    to: head,
    blocksPerBatch: BLOCKS_PER_BATCH,
    progressIntervalMs: 60_000,
  });
  const started = performance.now();
  await ingest.run();
  const seconds = (performance.now() - started) / 1000;
  pool.close();
  if (sink.count !== head + 1)
    throw new Error(`ingest published ${sink.count} envelopes for ${head + 1} blocks`);
  return { seconds, txs: (await metrics.transactions.get()).values[0]!.value };
}

const anvil = await startAnvil({
  pruneHistory: true,
  noMining: true,
  gasLimit: 300_000_000n,
  extraArgs: ["--hardfork", "cancun"],
});
// Interrupted runs must not leave the node behind.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void anvil.kill().finally(() => process.exit(130));
  });
try {
  const { head, txs } = await fill(anvil.rpcUrl);
  const blocks = head + 1;
  const rate = (r: { seconds: number; txs: number }) =>
    `${(blocks / r.seconds).toFixed(0)} blocks/s, ${(r.txs / r.seconds).toFixed(0)} tx/s (${r.seconds.toFixed(2)} s)`;
  // Interleaved, best of two each, so neither side profits from a warmer node or a quieter machine.
  const a1 = await bareLoop(anvil.rpcUrl, head);
  const b1 = await ingestRun(anvil.rpcUrl, head);
  const a2 = await bareLoop(anvil.rpcUrl, head);
  const b2 = await ingestRun(anvil.rpcUrl, head);
  for (const r of [a1, a2, b1, b2])
    if (r.txs !== txs) throw new Error(`fetched ${r.txs} txs, node holds ${txs}`);
  const a = a1.seconds < a2.seconds ? a1 : a2;
  const b = b1.seconds < b2.seconds ? b1 : b2;
  console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${availableParallelism()}, node ${process.version}`);
  console.log(`(a) bare JSON-RPC batch loop: ${rate(a)}`);
  console.log(`(b) ingest → discarding sink:  ${rate(b)}`);
  console.log(`ratio b/a: ${(a.seconds / b.seconds).toFixed(3)} (target ≥ 0.9)`);
} finally {
  await anvil.kill();
}
