import { errorClass } from "@chainlog/tx-schema";

/** A bad export request (range, entities, format, output): the command line shows its usage with it. */
export class ExportParameterError extends errorClass("ExportParameterError") {}

/** `--to` past the node's head: said in one line with the head, since the parameters themselves are fine. */
export class BeyondHeadError extends errorClass(
  "BeyondHeadError",
  (to: number, head: number) => `--to ${to} is beyond the node's head (block ${head})`,
) {}

/** `--entities traces` on nodes that cannot trace (no debug API, no callTracer, pruned state): one line, why. */
export class TracesUnavailableError extends errorClass(
  "TracesUnavailableError",
  (reason: string) =>
    `the node cannot give traces (${reason}); the traces entity needs debug_traceBlockByNumber with the callTracer (geth, Erigon, Reth, anvil, with their archive state for old blocks)`,
) {}

/**
 * S3 failures of an export, each with a message that says what to fix. Built from the error's code and
 * HTTP status only, never from the raw SDK error: its fields can echo the access key id and the string
 * that was signed, and none of that belongs in a log.
 */
export class S3ExportError extends errorClass("S3ExportError") {}

export class S3UrlError extends errorClass(
  "S3UrlError",
  (url: string, why: string) => `bad S3 URL "${url}": ${why}`,
  ExportParameterError,
) {}

export class S3BucketNotFoundError extends errorClass(
  "S3BucketNotFoundError",
  (bucket: string) => `S3 bucket "${bucket}" does not exist (or the endpoint/region is not where it lives)`,
  S3ExportError,
) {}

export class S3AccessDeniedError extends errorClass(
  "S3AccessDeniedError",
  (bucket: string, code: string) =>
    `S3 denied access to bucket "${bucket}" (${code}): check the credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the pod's role) and that they allow s3:ListBucket, s3:PutObject, s3:AbortMultipartUpload and s3:DeleteObject`,
  S3ExportError,
) {}

export class S3CredentialsError extends errorClass(
  "S3CredentialsError",
  () =>
    "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an IAM role",
  S3ExportError,
) {}

export class S3UnreachableError extends errorClass(
  "S3UnreachableError",
  (endpoint: string, code: string) => `cannot reach the S3 endpoint ${endpoint} (${code})`,
  S3ExportError,
) {}

const DENIED = new Set([
  "AccessDenied",
  "Forbidden",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "AllAccessDisabled",
  "XAdminUserNotFound", // versitygw's (404) answer to an unknown access key
]);
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

/** Turns an SDK failure of an operation on `bucket`/`key` into one of the errors above. */
export function s3Failure(error: unknown, ctx: { bucket: string; key?: string; endpoint: string }): Error {
  if (error instanceof S3ExportError || error instanceof ExportParameterError) return error;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  if (name === "CredentialsProviderError") return new S3CredentialsError();
  if (name === "NoSuchBucket" || (name === "NotFound" && ctx.key === undefined))
    return new S3BucketNotFoundError(ctx.bucket);
  if (DENIED.has(name) || status === 403) return new S3AccessDeniedError(ctx.bucket, name || "403");
  if (e.code && NETWORK.has(e.code)) return new S3UnreachableError(ctx.endpoint, e.code);
  if (/Region is missing/i.test((error as Error).message ?? ""))
    return new S3ExportError("no AWS region: set AWS_REGION (or a region in the AWS profile)");
  const where = ctx.key ? `s3://${ctx.bucket}/${ctx.key}` : `s3://${ctx.bucket}`;
  // The message itself is S3's fixed text or a socket error; the fields that can echo secrets are left out.
  const message = ((error as Error).message ?? "").split("\n")[0]?.slice(0, 200);
  return new S3ExportError(
    `S3 request on ${where} failed: ${name || "error"}${status ? ` (HTTP ${status})` : ""}${message ? `: ${message}` : ""}`,
  );
}
