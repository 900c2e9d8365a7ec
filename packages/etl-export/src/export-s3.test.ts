import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  type Anvil,
  createDevnetClient,
  deployErc20,
  deployErc721,
  mintErc20,
  mintErc721,
  startAnvil,
  transferErc20,
} from "@chainlog/devnet";
import { type S3Server, startS3Server } from "@chainlog/engines";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ExportParameterError,
  exportRange,
  S3AccessDeniedError,
  S3BucketNotFoundError,
  S3UrlError,
} from "./export-range.ts";
import { createS3ObjectWriter } from "./s3-object-writer.ts";
import { createS3Sink } from "./s3-sink.ts";

const bucket = "chainlog-export";
let anvil: Anvil;
let s3: S3Server;
let client: S3Client;
let dir: string;
let head: number;

/** Every file under `root`, relative, sorted. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
}

async function objectBytes(key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

async function pendingUploads(): Promise<number> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return listed.Uploads?.length ?? 0;
}

beforeAll(async () => {
  // a fresh machine builds the server through the Go module proxy first (4-16 min seen on 2 loaded cores)
  [anvil, s3] = await Promise.all([startAnvil({ pruneHistory: true }), startS3Server()]);
  client = new S3Client(s3.clientConfig);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const devnet = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
  const [me] = await devnet.getAddresses();
  const token = await deployErc20(devnet, { name: "Export, S3", symbol: "XS3", decimals: 6 });
  await mintErc20(devnet, { token: token as `0x${string}`, to: me as `0x${string}`, amount: 10n ** 12n });
  for (let i = 1; i <= 3; i++)
    await transferErc20(devnet, {
      token: token as `0x${string}`,
      to: `0x${"b".repeat(39)}${i}`,
      amount: BigInt(i),
    });
  const nft = await deployErc721(devnet);
  await mintErc721(devnet, { token: nft, to: `0x${"c".repeat(40)}`, tokenId: 42n });
  head = Number(await devnet.getBlockNumber({ cacheTime: 0 }));
  dir = mkdtempSync(join(tmpdir(), "chainlog-export-s3-"));
}, 1_500_000);

afterAll(async () => {
  client?.destroy();
  await Promise.all([anvil?.stop(), s3?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(["csv", "parquet"] as const)("export to s3:// as %s", (format) => {
  it("writes the directory export's names as keys, byte for byte", async () => {
    const base = {
      rpcUrls: [anvil.rpcUrl],
      from: 0,
      to: head,
      entities: ["blocks", "transactions", "receipts", "logs", "token_transfers", "tokens"] as const,
      format,
      batchSize: 4,
    };
    const local = join(dir, format);
    const toDir = await exportRange({ ...base, entities: [...base.entities], outDir: local });
    const prefix = `runs/${format}`;
    const toS3 = await exportRange({
      ...base,
      entities: [...base.entities],
      outDir: `s3://${bucket}/${prefix}/`,
      env: s3.env,
    });
    expect(toS3.blocks).toBe(head + 1);
    expect(toS3.files.token_transfers?.rows).toBe(5);
    expect(Object.fromEntries(Object.entries(toS3.files).map(([e, f]) => [e, f.rows]))).toEqual(
      Object.fromEntries(Object.entries(toDir.files).map(([e, f]) => [e, f.rows])),
    );
    if (format === "csv") expect(toS3.files.blocks?.path).toBe(`s3://${bucket}/${prefix}/blocks.csv`);

    const files = filesUnder(local);
    expect(files.length).toBe(6);
    expect(await keysUnder(`${prefix}/`)).toEqual(files.map((f) => `${prefix}/${f}`));
    for (const f of files)
      expect((await objectBytes(`${prefix}/${f}`)).equals(readFileSync(join(local, f)))).toBe(true);
    expect(await pendingUploads()).toBe(0);
  });
});

describe("S3 failures", () => {
  const base = () => ({
    rpcUrls: [anvil.rpcUrl],
    from: 0,
    to: head,
    entities: ["blocks" as const, "logs" as const],
    format: "csv" as const,
  });

  it("a wrong secret fails before any block is read, names the cause, never the secret, and writes nothing", async () => {
    const wrong = { ...s3.env, AWS_SECRET_ACCESS_KEY: `${s3.secretAccessKey}x` };
    const failure = await exportRange({ ...base(), outDir: `s3://${bucket}/denied`, env: wrong }).catch(
      (e: Error) => e,
    );
    expect(failure).toBeInstanceOf(S3AccessDeniedError);
    expect((failure as Error).message).toMatch(
      /denied access to bucket "chainlog-export" \(SignatureDoesNotMatch\)/,
    );
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toContain(s3.secretAccessKey);
    const unknownKey = { ...s3.env, AWS_ACCESS_KEY_ID: "nobodyhere" };
    await expect(
      exportRange({ ...base(), outDir: `s3://${bucket}/denied`, env: unknownKey }),
    ).rejects.toBeInstanceOf(S3AccessDeniedError);
    expect(await keysUnder("denied")).toEqual([]);
  });

  it("a missing bucket and a malformed URL get their own errors", async () => {
    await expect(
      exportRange({ ...base(), outDir: "s3://no-such-bucket-here/x", env: s3.env }),
    ).rejects.toBeInstanceOf(S3BucketNotFoundError);
    for (const url of ["s3://", "s3://Upper_Case/x", "s3://ok-bucket/a//b", "s3://ok-bucket/x?versionId=1"]) {
      const failure = await exportRange({ ...base(), outDir: url, env: s3.env }).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(S3UrlError);
      expect(failure).toBeInstanceOf(ExportParameterError); // the CLI shows usage with it
    }
  });

  it("a sink aborted after a failure removes the objects it had completed", async () => {
    const sink = await createS3Sink(`s3://${bucket}/aborted-sink`, s3.env);
    const done = await sink.open("blocks/part-00000.parquet");
    await done.write("whole");
    await done.close();
    const open = await sink.open("blocks.csv");
    await open.write("half");
    expect(await keysUnder("aborted-sink/")).toEqual(["aborted-sink/blocks/part-00000.parquet"]);
    await sink.abort();
    expect(await keysUnder("aborted-sink/")).toEqual([]);
    expect(await pendingUploads()).toBe(0);
  });

  it("an export refused for a range past the head leaves no object and no pending upload", async () => {
    await expect(
      exportRange({ ...base(), to: head + 50, outDir: `s3://${bucket}/halfway`, env: s3.env }),
    ).rejects.toThrow(/beyond the node's head/);
    expect(await keysUnder("halfway")).toEqual([]);
    expect(await pendingUploads()).toBe(0);
  });

  it("an export stopped by its signal (Ctrl-C) cleans up the same way", async () => {
    const stop = new AbortController();
    const failure = await exportRange({
      ...base(),
      format: "parquet",
      batchSize: 2,
      outDir: `s3://${bucket}/stopped`,
      env: s3.env,
      signal: stop.signal,
      onProgress: () => stop.abort(new Error("interrupted")),
    }).catch((e: Error) => e);
    expect((failure as Error).message).toBe("interrupted");
    expect(await keysUnder("stopped")).toEqual([]);
    expect(await pendingUploads()).toBe(0);
  });
});

describe("createS3ObjectWriter", () => {
  // deterministic, incompressible-ish 1 MiB chunks
  const chunk = (i: number) => Buffer.alloc(1024 * 1024, i % 251);

  it("streams a multi-part object whole, and an aborted one leaves nothing", async () => {
    const params = { client, endpoint: s3.endpoint, bucket, contentType: "text/csv" };
    const whole = createS3ObjectWriter({ ...params, key: "multipart/whole.bin" });
    for (let i = 0; i < 19; i++) await whole.write(chunk(i)); // 8 + 8 + 3 MiB: three parts
    expect(await pendingUploads()).toBe(1); // not visible as an object yet
    expect(await keysUnder("multipart/")).toEqual([]);
    await whole.close();
    const back = await objectBytes("multipart/whole.bin");
    expect(back.equals(Buffer.concat(Array.from({ length: 19 }, (_, i) => chunk(i))))).toBe(true);

    const aborted = createS3ObjectWriter({ ...params, key: "multipart/aborted.bin" });
    for (let i = 0; i < 17; i++) await aborted.write(chunk(i)); // two parts sent
    await aborted.abort();
    expect(await keysUnder("multipart/")).toEqual(["multipart/whole.bin"]);
    expect(await pendingUploads()).toBe(0);
  }, 120_000);
});
