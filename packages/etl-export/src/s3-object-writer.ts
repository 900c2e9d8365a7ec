import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { s3Failure } from "./errors.ts";
import type { OutputFile } from "./output-file.ts";

const MiB = 1024 * 1024;
/** S3 allows 10,000 parts of ≥ 5 MiB: parts grow by 8 MiB every 1,000 so one object can reach ~440 GB. */
const partSizeFor = (partNumber: number) => 8 * MiB * (1 + Math.floor((partNumber - 1) / 1000));

export interface S3ObjectWriterParameters {
  client: S3Client;
  endpoint: string;
  bucket: string;
  key: string;
  contentType: string;
}

/**
 * Streams one object. Small objects go in a single PutObject at close; a larger one becomes a multipart
 * upload with one part in flight while the next fills (bounded memory, and write() waits when S3 is slower
 * than the export). Either way the object exists only once it is whole: abort() or a failed part aborts the
 * multipart upload, so no half object and no orphaned parts are left.
 */
export function createS3ObjectWriter(p: S3ObjectWriterParameters): OutputFile {
  const { client, bucket, key } = p;
  const fail = (error: unknown) => s3Failure(error, { bucket, key, endpoint: p.endpoint });
  let buffered: Uint8Array[] = [];
  let size = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let state: "open" | "closed" | "aborted" = "open";

  const take = () => {
    const body = Buffer.concat(buffered, size);
    buffered = [];
    size = 0;
    return body;
  };

  async function sendPart(body: Buffer): Promise<void> {
    await inFlight; // at most one part in flight; also surfaces the previous part's failure
    if (uploadId === undefined) {
      const created = await client
        .send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: p.contentType }))
        .catch((e) => {
          throw fail(e);
        });
      if (!created.UploadId) throw fail(new Error("CreateMultipartUpload returned no UploadId"));
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    parts.push({ PartNumber });
    const upload = uploadId;
    inFlight = client
      .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload, PartNumber, Body: body }))
      .then((r) => {
        parts[PartNumber - 1] = { PartNumber, ETag: r.ETag };
      })
      .catch((e) => {
        throw fail(e);
      });
    // observed by the next await of inFlight; without this an idle failure would be an unhandled rejection
    inFlight.catch(() => undefined);
  }

  async function abortUpload(): Promise<void> {
    await inFlight.catch(() => undefined);
    if (uploadId === undefined) return;
    const id = uploadId;
    uploadId = undefined;
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }))
      .catch((e) => {
        throw fail(e);
      });
  }

  return {
    location: `s3://${bucket}/${key}`,
    async write(chunk) {
      if (state !== "open") throw new Error(`write after close of ${this.location}`);
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      buffered.push(bytes);
      size += bytes.byteLength;
      if (size >= partSizeFor(parts.length + 1)) {
        try {
          await sendPart(take());
        } catch (error) {
          state = "aborted";
          await abortUpload().catch(() => undefined);
          throw error;
        }
      }
    },
    async close() {
      if (state !== "open") return;
      state = "closed";
      try {
        if (uploadId === undefined) {
          await client
            .send(
              new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType: p.contentType }),
            )
            .catch((e) => {
              throw fail(e);
            });
          return;
        }
        if (size > 0) await sendPart(take());
        await inFlight;
        await client
          .send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
          )
          .catch((e) => {
            throw fail(e);
          });
        uploadId = undefined;
      } catch (error) {
        state = "aborted";
        await abortUpload().catch(() => undefined);
        throw error;
      }
    },
    async abort() {
      if (state === "aborted") return;
      state = "aborted";
      buffered = [];
      size = 0;
      await abortUpload();
    },
  };
}
