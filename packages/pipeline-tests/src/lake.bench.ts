/**
 * `pnpm bench lake`: the lake sink's rate against `chainlog export` on the same range. A devnet chain of the
 * workload's mix (BENCH_BLOCKS × BENCH_TXS) is indexed by ingest and processor; then, each best of three:
 *  - baseline: `chainlog export --format parquet` of blocks, transactions, receipts, logs and token_transfers
 *    straight from the node;
 *  - the sink: every block of the same range from the store into a fresh lake (the same five tables, plus swaps,
 *    prices and traces, day partitions, parts renamed into place, the position written), into a folder and into
 *    s3://bucket/prefix on a local S3 server (versitygw).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { buildWorkloadChain, rpc, startAnvil } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import { startS3Server } from "@chainlog/engines";
import { exportRange } from "@chainlog/etl-export";
import { createLakeSink } from "@chainlog/lake";
import { createLogger } from "@chainlog/telemetry";
import { getJson, startPipeline, waitFor } from "./pipeline.ts";

const blocks = Number(process.env.BENCH_BLOCKS ?? 150);
const txs = Number(process.env.BENCH_TXS ?? 20);
const anvil = await startAnvil({ noMining: true, pruneHistory: false });
const work = mkdtempSync(join(tmpdir(), "chainlog-lake-bench-"));
try {
  let contracts: { weth: string; stablecoin: string } | undefined;
  await buildWorkloadChain({
    rpcUrl: anvil.rpcUrl,
    blocks,
    txPerBlock: txs,
    onReady: (c) => {
      contracts = c;
    },
  });
  const head = Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
  const dataDir = join(work, "data");
  const pipeline = await startPipeline({
    rpcUrl: anvil.rpcUrl,
    dataDir,
    // call traces are anvil's slowest answer and no part of either path measured here
    env: {
      WETH_ADDRESS: contracts!.weth,
      STABLECOIN_ADDRESSES: contracts!.stablecoin,
      PROCESSOR_TRACES: "off",
    },
  });
  try {
    await waitFor(
      `blocks 0..${head} stored and enriched`,
      async () =>
        ((await getJson<{ heights: { enriched: number } | null }>(`${pipeline.apiUrl}/v1/status`)).body
          .heights?.enriched ?? 0) > head,
      600_000,
      1000,
    );
  } finally {
    await pipeline.stop();
  }

  const best = async (what: () => Promise<number>) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await what());
    return Math.min(...runs);
  };
  let n = 0;
  const exportMs = await best(async () => {
    const t = performance.now();
    await exportRange({
      rpcUrls: [anvil.rpcUrl],
      from: 0,
      to: head,
      entities: ["blocks", "transactions", "receipts", "logs", "token_transfers"],
      format: "parquet",
      outDir: join(work, `export-${n++}`),
    });
    return performance.now() - t;
  });

  const bus = await createSqliteBus({ path: join(dataDir, "bus.db") });
  const store = await createSqliteStore({ path: join(dataDir, "store.db") });
  const s3 = await startS3Server();
  const s3Client = new S3Client(s3.clientConfig);
  await s3Client.send(new CreateBucketCommand({ Bucket: "lake-bench" }));
  s3Client.destroy();
  const sinkInto = (location: () => string) =>
    best(async () => {
      const sink = createLakeSink({
        bus,
        store,
        logger: createLogger("lake-bench", "warn"),
        location: location(),
        env: s3.env,
        confirmations: 0,
        flushMs: 3_600_000,
        group: `lake-bench-${n}`,
      });
      const t = performance.now();
      await sink.start();
      const position = await sink.flush();
      const ms = performance.now() - t;
      await sink.close();
      if (position?.next !== head + 1)
        throw new Error(`the sink stopped at ${position?.next}, not ${head + 1}`);
      return ms;
    });
  let dirMs: number;
  let s3Ms: number;
  try {
    dirMs = await sinkInto(() => join(work, `lake-${n++}`));
    s3Ms = await sinkInto(() => `s3://lake-bench/lake-${n++}`);
  } finally {
    await s3.stop();
    await store.close();
    await bus.close();
  }
  const rate = (ms: number) => ((head + 1) * 1000) / ms;
  console.log(`range 0..${head} (${blocks} blocks of ${txs} txs after the workload's set-up), best of 3`);
  console.log(`baseline  chainlog export --format parquet   ${rate(exportMs).toFixed(1)} blocks/s`);
  for (const [what, ms] of [
    ["lake sink into a folder", dirMs],
    ["lake sink into S3 (versitygw)", s3Ms],
  ] as const)
    console.log(
      `          ${what.padEnd(33)} ${rate(ms).toFixed(1)} blocks/s   ratio ${(exportMs / ms).toFixed(2)}× baseline speed`,
    );
} finally {
  await anvil.kill();
  rmSync(work, { recursive: true, force: true });
}
