/**
 * `pnpm bench export`. An anvil range filled by the devnet workload (transfers, NFTs, WETH, swaps), exported as
 * `chainlog export` does. Baseline: the CSV export to a local directory. Against it, in the same run:
 *  1. the same range to s3:// (a private versitygw on loopback) as CSV, and as Parquet to a directory and to s3://;
 *  2. the bare upload path: 64 MiB through the S3 object writer (multipart) vs the same bytes to a local file.
 * Each figure is the best of three runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { rpc, runWorkload, startAnvil } from "@chainlog/devnet";
import { startS3Server } from "@chainlog/engines";
import { createS3Client } from "./create-s3-client.ts";
import { createDirSink } from "./dir-sink.ts";
import { DEFAULT_ENTITIES, exportRange } from "./export-range.ts";
import type { OutputFile } from "./output-file.ts";
import { createS3ObjectWriter } from "./s3-object-writer.ts";

const [anvil, s3] = await Promise.all([
  startAnvil({ pruneHistory: true, blockTime: 1, gasLimit: 60_000_000n }),
  startS3Server(),
]);
const dir = mkdtempSync(join(tmpdir(), "chainlog-export-bench-"));
try {
  const abort = new AbortController();
  const workload = runWorkload({
    rpcUrl: anvil.rpcUrl,
    accounts: 30,
    txPerSecond: 400,
    signal: abort.signal,
  });
  await sleep(Number(process.env.BENCH_SECONDS ?? 20) * 1000);
  abort.abort();
  await workload;
  const head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
  const { client } = createS3Client(s3.env);
  await client.send(new CreateBucketCommand({ Bucket: "bench" }));

  // best of three: the machine is shared, and the fastest run is the one least disturbed
  const run = async (format: "csv" | "parquet", outDir: string) => {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await once(format, outDir));
    return runs.reduce((a, b) => (a.ms <= b.ms ? a : b));
  };
  const once = async (format: "csv" | "parquet", outDir: string) => {
    const t = performance.now();
    const r = await exportRange({
      rpcUrls: [anvil.rpcUrl],
      from: 0,
      to: head,
      entities: [...DEFAULT_ENTITIES],
      format,
      outDir,
      env: s3.env,
    });
    const rows = Object.values(r.files).reduce((n, f) => n + f.rows, 0);
    return { ms: performance.now() - t, rows };
  };
  await once("csv", join(dir, "warm")); // JIT and the node's caches, not measured
  const base = await run("csv", join(dir, "csv"));
  const perS = (x: { ms: number; rows: number }) => Math.round((x.rows * 1000) / x.ms).toLocaleString("en");
  console.log(`range 0..${head}: ${base.rows.toLocaleString("en")} rows in the default entities`);
  console.log(`baseline  csv → directory     ${perS(base)} rows/s`);
  for (const [label, format, out] of [
    ["csv → s3://          ", "csv", "s3://bench/csv"],
    ["parquet → directory  ", "parquet", join(dir, "parquet")],
    ["parquet → s3://      ", "parquet", "s3://bench/parquet"],
  ] as const) {
    const r = await run(format, out);
    console.log(`          ${label}${perS(r)} rows/s   ratio ${(base.ms / r.ms).toFixed(2)}× baseline speed`);
  }

  const MiB = 1024 * 1024;
  const chunk = Buffer.alloc(MiB, 7);
  const pump = async (file: OutputFile) => {
    const t = performance.now();
    for (let i = 0; i < 64; i++) await file.write(chunk);
    await file.close();
    return performance.now() - t;
  };
  const local = await pump(await createDirSink(join(dir, "raw")).open("raw.bin"));
  const remote = await pump(
    createS3ObjectWriter({
      client,
      endpoint: s3.endpoint,
      bucket: "bench",
      key: "raw.bin",
      contentType: "x",
    }),
  );
  const mibs = (ms: number) => ((64 * 1000) / ms).toFixed(0);
  console.log(
    `upload    64 MiB: local file ${mibs(local)} MiB/s, S3 multipart ${mibs(remote)} MiB/s, ratio ${(local / remote).toFixed(2)}×`,
  );
  client.destroy();
} finally {
  await Promise.all([anvil.stop(), s3.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
