import {
  DeleteObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createS3Client } from "./create-s3-client.ts";
import { s3Failure } from "./errors.ts";
import type { ExportSink, OutputFile } from "./output-file.ts";
import { createS3ObjectWriter } from "./s3-object-writer.ts";
import { objectKey, parseS3Url } from "./s3-url.ts";

// the lake sink's S3 side is built from the same client, writer and error mapping
export { createS3Client } from "./create-s3-client.ts";
export { s3Failure } from "./errors.ts";
export { createS3ObjectWriter } from "./s3-object-writer.ts";

const contentType = (relPath: string) =>
  relPath.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/vnd.apache.parquet";

/**
 * Objects under s3://bucket/prefix, named as the directory export names its files. The bucket is checked
 * first (HeadBucket), so a wrong URL, a missing bucket or rejected credentials fail before any block is read.
 * abort() removes the objects this export completed, so a failed export leaves nothing behind.
 */
export async function createS3Sink(url: string, env: NodeJS.ProcessEnv = process.env): Promise<ExportSink> {
  const location = parseS3Url(url);
  const { bucket } = location;
  const { client, endpoint } = createS3Client(env);
  try {
    await assertBucket(client, bucket, endpoint);
  } catch (error) {
    client.destroy();
    throw error;
  }
  const open = new Set<OutputFile>();
  const written: string[] = [];
  return {
    location: url,
    async open(relPath) {
      const key = objectKey(location, relPath);
      const writer = createS3ObjectWriter({
        client,
        endpoint,
        bucket,
        key,
        contentType: contentType(relPath),
      });
      const file: OutputFile = {
        location: writer.location,
        write: (chunk) => writer.write(chunk),
        async close() {
          open.delete(file);
          await writer.close();
          written.push(key);
        },
        async abort() {
          open.delete(file);
          await writer.abort();
        },
      };
      open.add(file);
      return file;
    },
    async abort() {
      const failures: Error[] = [];
      for (const f of [...open]) await f.abort().catch((e: Error) => failures.push(e));
      for (const key of written.splice(0))
        await client
          .send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
          .catch((e) => failures.push(s3Failure(e, { bucket, key, endpoint })));
      client.destroy();
      if (failures.length > 0)
        throw new AggregateError(failures, `cleaning up ${url} after a failed export left objects behind`);
    },
    async close() {
      client.destroy();
    },
  };
}

/** Fails with the S3 error that says what to fix unless `bucket` exists and the credentials reach it. */
export async function assertBucket(client: S3Client, bucket: string, endpoint: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    throw s3Failure(await diagnose(client, bucket, error), { bucket, endpoint });
  }
}

/**
 * A HEAD answer has no body, so its error has no code ("Unknown" 403). One small GET on the bucket gets S3's
 * error document, which tells a wrong secret (SignatureDoesNotMatch) from an unknown key or a missing grant,
 * and a missing bucket from a server that answers 404 for an unknown key (versitygw: XAdminUserNotFound).
 */
async function diagnose(client: S3Client, bucket: string, headError: unknown): Promise<unknown> {
  const status = (headError as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== 403 && status !== 404 && status !== 400 && status !== 301) return headError;
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    return headError;
  } catch (error) {
    return (error as { name?: string }).name === "Unknown" ? headError : error;
  }
}
