import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createSqliteBus, createSqliteStore, type SqliteBus } from "@chainlog/embedded";
import { type S3Server, startS3Server } from "@chainlog/engines";
import type { IndexedBlock, Store } from "@chainlog/ports";
import { richBlock, splitEnrichment } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLakeSink } from "./create-lake-sink.ts";
import type { Lake } from "./lake.ts";
import { LakeDir } from "./lake-dir.ts";
import { openLake } from "./open-lake.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";
import { startFailingS3Proxy } from "./test-support/failing-s3-proxy.ts";

const bucket = "chainlog-sink";
const CONFIRMATIONS = 2;
// 14:00 UTC: blocks two hours apart, five on the first day (two parts of at most three), the rest on the next
const START = Date.UTC(2026, 2, 1, 14) / 1000;
let s3: S3Server;
let client: S3Client;
let store: Store;
let bus: SqliteBus;
let work: string;
const chain: IndexedBlock[] = [];

/** Blocks up to `to` of one chain (rich: transfers, a swap with prices, internal calls), stored and enriched. */
async function grow(to: number, into = store, blocks = chain) {
  for (let n = blocks.length; n <= to; n++) {
    const b = richBlock(n, "sink", {
      parentHash: blocks[n - 1]?.block.hash,
      timestamp: START + n * 7_200,
    });
    blocks.push(b);
    const { raw, enrichment } = splitEnrichment(b);
    await into.writeBlocks([raw]);
    await into.writeEnrichment([enrichment]);
  }
}

const sinkAt = (location: string, group: string, from = store, env: NodeJS.ProcessEnv = s3.env) =>
  createLakeSink({
    bus,
    store: from,
    logger: createLogger("lake-test", "silent"),
    location,
    env,
    confirmations: CONFIRMATIONS,
    blocksPerPart: 3,
    flushMs: 0,
    group,
  });

/** Every row of an entity in an S3 lake, straight from the objects (a duplicate would show). */
async function s3Rows(lake: Lake, entity: LakeEntity): Promise<(LakeRow & { date: string })[]> {
  const out: (LakeRow & { date: string })[] = [];
  for (const day of await lake.days(entity))
    for (const part of await lake.parts(entity, day)) {
      const Key = part.path.slice(`s3://${bucket}/`.length);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      const bytes = await (
        got.Body as { transformToByteArray(): Promise<Uint8Array> }
      ).transformToByteArray();
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      for (const row of (await parquetReadObjects({ file })) as LakeRow[]) out.push({ ...row, date: day });
    }
  return out;
}

const canonical = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();

beforeAll(async () => {
  s3 = await startS3Server();
  client = new S3Client(s3.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  work = mkdtempSync(join(tmpdir(), "chainlog-lake-sink-"));
  store = createSqliteStore({ path: join(work, "store.db") });
  await store.migrate();
  bus = createSqliteBus({ path: join(work, "bus.db") });
}, 1_500_000);

afterAll(async () => {
  await store?.close();
  await bus?.close();
  client?.destroy();
  await s3?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the lake sink into S3", () => {
  it("writes the rows it writes into a folder, compacts the final day, and restarts without a gap or a duplicate", async () => {
    await grow(7);
    const dirSink = sinkAt(join(work, "lake"), "lake-dir");
    const s3Sink = sinkAt(`s3://${bucket}/lake`, "lake-s3");
    await dirSink.start();
    await s3Sink.start();
    // final: blocks 0..5 (two stored children above each)
    expect((await dirSink.flush())?.next).toBe(6);
    expect((await s3Sink.flush())?.next).toBe(6);
    await dirSink.close();
    // stopped here; the chain goes on while it is down
    await s3Sink.close();
    await grow(11);
    const restarted = sinkAt(`s3://${bucket}/lake`, "lake-s3");
    await restarted.start();
    expect((await restarted.flush())?.next).toBe(10);
    await restarted.close();
    const again = sinkAt(join(work, "lake"), "lake-dir");
    await again.start();
    expect((await again.flush())?.next).toBe(10);
    await again.close();

    const dir = new LakeDir(join(work, "lake"));
    const lake = await openLake(`s3://${bucket}/lake`, s3.env);
    try {
      const days = await lake.days("blocks");
      expect(days).toEqual(["2026-03-01", "2026-03-02"]);
      // the first day is final (the next day's blocks are): its two parts merged into one object per table
      for (const e of LakeEntities)
        expect(
          (await lake.parts(e, days[0]!)).map((p) => [p.first, p.last]),
          e,
        ).toEqual([[0, 4]]);
      expect((await lake.parts("blocks", days[1]!)).length).toBeGreaterThan(1);
      const blocks = await s3Rows(lake, "blocks");
      expect(blocks.map((b) => Number(b.number)).sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
      for (const b of blocks) expect(b.hash).toBe(chain[Number(b.number)]!.block.hash);
      const traces = await s3Rows(lake, "traces");
      expect(traces.length).toBe(chain.slice(0, 10).reduce((n, b) => n + b.internalTransactions.length, 0));
      expect(traces.length).toBeGreaterThan(0);
      // byte-for-byte the same rows as the folder lake, table by table
      for (const e of LakeEntities)
        expect(canonical(await s3Rows(lake, e)), e).toEqual(canonical(await dir.readTable(e)));
    } finally {
      lake.close?.();
    }
  }, 300_000);

  it("a write S3 refuses half-way through a part is cleared before the retry, whose part covers more blocks", async () => {
    const flakyStore = createSqliteStore({ path: join(work, "flaky.db") });
    await flakyStore.migrate();
    const blocks: IndexedBlock[] = [];
    // parts 0-2, 3-4 and 5-5 take a write per table and one for the position each: refuse part 5-5's position
    const positionOf55 = 3 * (LakeEntities.length + 1) - 1;
    const proxy = await startFailingS3Proxy(s3.endpoint, (write) => write === positionOf55);
    const env = { ...s3.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL: "" };
    const sink = sinkAt(`s3://${bucket}/flaky`, "lake-flaky", flakyStore, env);
    try {
      await grow(7, flakyStore, blocks);
      await sink.start();
      await expect(sink.flush()).rejects.toThrow(/denied/i);
      expect(sink.position()?.next).toBe(5);
      // more blocks final by the retry: block 5 now goes into part 5-7, and part 5-5 must not stay beside it
      await grow(11, flakyStore, blocks);
      expect((await sink.flush())?.next).toBe(10);
    } finally {
      await sink.close();
      await proxy.close();
      await flakyStore.close();
    }
    const lake = await openLake(`s3://${bucket}/flaky`, s3.env);
    try {
      expect((await lake.parts("blocks", "2026-03-02")).map((p) => [p.first, p.last])).toEqual([
        [5, 7],
        [8, 9],
      ]);
      const numbers = (await s3Rows(lake, "blocks")).map((b) => Number(b.number)).sort((a, b) => a - b);
      expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await s3Rows(lake, "traces")).length).toBe(
        blocks.slice(0, 10).reduce((n, b) => n + b.internalTransactions.length, 0),
      );
    } finally {
      lake.close?.();
    }
  }, 300_000);
});
