import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type S3Server, startS3Server } from "@chainlog/engines";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partName } from "./lake.ts";
import { LakeS3 } from "./lake-s3.ts";
import { openLake } from "./open-lake.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";
import { startFailingS3Proxy } from "./test-support/failing-s3-proxy.ts";
import { blockRows } from "./test-support/lake-fixtures.ts";

const bucket = "chainlog-lake";
let s3: S3Server;
let client: S3Client;

async function keys(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
}

/** Every block number an entity's objects hold, read straight from the bucket (duplicates stay visible). */
async function numbers(prefix: string, entity: LakeEntity): Promise<number[]> {
  const out: number[] = [];
  for (const key of await keys(`${prefix}/${entity}/`)) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    for (const r of (await parquetReadObjects({ file })) as LakeRow[])
      out.push(Number(r.block_number ?? r.number));
  }
  return out.sort((a, b) => a - b);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The sink dies at its `budget`-th write: that write and every later one is refused. */
async function dyingProxy(budget: number): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const proxy = await startFailingS3Proxy(s3.endpoint, (write) => write >= budget);
  return {
    env: { ...s3.env, AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_ENDPOINT_URL: "" },
    close: proxy.close,
  };
}

beforeAll(async () => {
  // a fresh machine builds the server through the Go module proxy first (minutes on 2 loaded cores)
  s3 = await startS3Server();
  client = new S3Client(s3.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}, 1_500_000);

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

describe("LakeS3", () => {
  it("writes the folder's layout under the prefix; a restart drops parts above the position and rewrites them", async () => {
    const lake = await openLake(`s3://${bucket}/restart/`, s3.env);
    expect(lake).toBeInstanceOf(LakeS3);
    expect(lake.location).toBe(`s3://${bucket}/restart`);
    expect(await lake.recover()).toBeNull();
    await lake.commitPart("2026-01-01", 0, { number: 4, hash: "0x4" }, blockRows(0, 4));
    expect(await keys("restart/blocks/")).toEqual([`restart/blocks/date=2026-01-01/${partName(0, 4)}`]);
    // every table has its part for every range, an empty one too
    for (const e of LakeEntities) expect(await lake.parts(e, "2026-01-01"), e).toHaveLength(1);
    // a run that put part 5-9 but died before the position moved past it
    await lake.commitPart("2026-01-01", 5, { number: 9, hash: "0x9" }, blockRows(5, 9));
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "restart/_chainlog/position.json",
        Body: JSON.stringify({ next: 5, lastHash: "0x4", lastDay: "2026-01-01" }),
      }),
    );
    lake.close?.();
    const again = await openLake(`s3://${bucket}/restart`, s3.env);
    expect(await again.recover()).toEqual({ next: 5, lastHash: "0x4", lastDay: "2026-01-01" });
    expect((await again.parts("blocks", "2026-01-01")).map((p) => [p.first, p.last])).toEqual([[0, 4]]);
    // the restart reads blocks 5-7 final this time (fewer than before): a new name, no older rows left behind
    await again.commitPart("2026-01-01", 5, { number: 7, hash: "0x7" }, blockRows(5, 7));
    await again.commitPart("2026-01-02", 8, { number: 9, hash: "0x9" }, blockRows(8, 9));
    expect(await numbers("restart", "blocks")).toEqual(range(0, 9));
    expect(await numbers("restart", "logs")).toHaveLength(20);
    expect(await again.days("prices")).toEqual(["2026-01-01", "2026-01-02"]);
    expect(await again.compactDay("2026-01-01")).toBe(true);
    expect(await again.compactDay("2026-01-01")).toBe(false);
    expect(await keys("restart/prices/")).toEqual([
      `restart/prices/date=2026-01-01/${partName(0, 7)}`,
      `restart/prices/date=2026-01-02/${partName(8, 9)}`,
    ]);
    expect(await numbers("restart", "prices")).toEqual(range(0, 9));
    again.close?.();
  });

  it("a bucket that does not exist, or a key S3 refuses, fails at open with what to fix", async () => {
    await expect(openLake("s3://no-such-lake-bucket/x", s3.env)).rejects.toThrow(/does not exist/);
    await expect(openLake(`s3://${bucket}/x`, { ...s3.env, AWS_SECRET_ACCESS_KEY: "wrong" })).rejects.toThrow(
      /denied|Signature/i,
    );
  });

  it("a sink that dies at any write of a day's merge leaves, after restart and merge, every row once in one object", async () => {
    let budget = 0;
    for (; ; budget++) {
      const prefix = `compact-${budget}`;
      const lake = await openLake(`s3://${bucket}/${prefix}`, s3.env);
      await lake.commitPart("2026-01-01", 0, { number: 2, hash: "0x2" }, blockRows(0, 2));
      await lake.commitPart("2026-01-01", 3, { number: 5, hash: "0x5" }, blockRows(3, 5));
      await lake.commitPart("2026-01-01", 6, { number: 7, hash: "0x7" }, blockRows(6, 7));
      await lake.commitPart("2026-01-02", 8, { number: 9, hash: "0x9" }, blockRows(8, 9));
      lake.close?.();

      const proxy = await dyingProxy(budget);
      const dying = await openLake(`s3://${bucket}/${prefix}`, proxy.env);
      const finished = await dying.compactDay("2026-01-01").then(
        () => true,
        () => false,
      );
      dying.close?.();
      await proxy.close();

      const restarted = await openLake(`s3://${bucket}/${prefix}`, s3.env);
      expect(await restarted.recover(), `died after ${budget} writes`).toEqual({
        next: 10,
        lastHash: "0x9",
        lastDay: "2026-01-02",
      });
      await restarted.compactDay("2026-01-01");
      for (const e of LakeEntities)
        expect(
          (await restarted.parts(e, "2026-01-01")).map((p) => [p.first, p.last]),
          `${e}, died after ${budget} writes`,
        ).toEqual([[0, 7]]);
      expect(await numbers(prefix, "blocks"), `died after ${budget} writes`).toEqual(range(0, 9));
      expect(await numbers(prefix, "logs"), `died after ${budget} writes`).toHaveLength(20);
      expect(await numbers(prefix, "prices"), `died after ${budget} writes`).toEqual(range(0, 9));
      restarted.close?.();
      if (finished) break;
    }
    // one merged object and three deletes per table: every cut point was tried
    expect(budget).toBe(LakeEntities.length * 4);
  }, 600_000);
});
