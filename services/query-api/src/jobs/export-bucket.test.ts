import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { type S3Server, startS3Server } from "@chainlog/engines";
import { buildBlock } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, type ApiHarness, BOB, openApiHarness } from "../test-support/api-harness.ts";
import { createExportBucket } from "./export-bucket.ts";
import { createExportWorker } from "./export-worker.ts";

let h: ApiHarness;
let s3: S3Server;
let cookie = "";
const bucket = "chainlog-exports";

beforeAll(async () => {
  s3 = await startS3Server();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  h = await openApiHarness({
    blocks: Array.from({ length: 5 }, (_, i) =>
      buildBlock({ number: i + 1, txs: [{ from: ALICE, to: BOB }] }),
    ),
  });
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email: "bucket@example.com", password: "long enough password" },
  });
  cookie = String(res.headers["set-cookie"]).split(";")[0]!;
}, 180_000);
afterAll(async () => {
  await h?.close();
  await s3?.stop();
});

const call = async (method: "GET" | "POST", url: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload: payload as object } : {}) });

describe("export bucket (CHAINLOG_EXPORT_BUCKET)", () => {
  it("a finished export is written to s3://<bucket>/exports/<user>/<job>/ as well as served", async () => {
    const worker = createExportWorker({
      store: h.store,
      meta: h.meta,
      logger: createLogger("t", "silent"),
      bucket: createExportBucket(bucket, s3.env),
    });
    const job = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: ALICE } })
    ).json();
    expect(await worker.drain()).toBe(1);
    expect((await call("GET", `/v1/jobs/${job.id}`)).json()).toMatchObject({ status: "done" });
    const served = (await call("GET", `/v1/jobs/${job.id}/result`)).body;
    // One user here: the one folder under exports/ is theirs.
    const [user] = readdirSync(join(s3.dataDir, bucket, "exports"));
    const stored = readFileSync(
      join(s3.dataDir, bucket, "exports", user!, job.id, `export_address_txs-${ALICE}.csv`),
      "utf8",
    );
    expect(stored).toBe(served);
    expect(stored.trim().split("\n")).toHaveLength(6);
  });

  it("a bucket that cannot be written fails the job with a clear error, and keeps no half file", async () => {
    const worker = createExportWorker({
      store: h.store,
      meta: h.meta,
      logger: createLogger("t", "silent"),
      bucket: createExportBucket("no-such-bucket", s3.env),
    });
    const job = (
      await call("POST", "/v1/jobs", { kind: "export_address_txs", params: { address: BOB } })
    ).json();
    await worker.drain();
    expect((await call("GET", `/v1/jobs/${job.id}`)).json()).toMatchObject({
      status: "failed",
      error: "the export could not be stored; try again",
    });
  });
});
