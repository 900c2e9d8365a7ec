import { S3UrlError } from "./errors.ts";

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash; "" for the bucket's root. */
  prefix: string;
}

/** True for an `--out` that names S3 rather than a directory. */
export function isS3Url(out: string): boolean {
  return /^s3:\/\//i.test(out);
}

// S3's bucket naming rules (3–63 of a-z 0-9 . -, starting and ending with a letter or digit).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket/some/prefix/` into its bucket and key prefix. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/?#]*)\/?([^?#]*)$/i.exec(url);
  if (!m) throw new S3UrlError(url, "expected s3://bucket/prefix (no query or fragment)");
  const bucket = m[1] ?? "";
  if (!BUCKET.test(bucket) || bucket.includes(".."))
    throw new S3UrlError(url, `"${bucket}" is not a valid bucket name (3-63 of a-z, 0-9, ".", "-")`);
  const prefix = (m[2] ?? "").replace(/\/+$/, "");
  if (prefix !== "" && prefix.split("/").some((part) => part === "" || part === "." || part === ".."))
    throw new S3UrlError(url, "the prefix has an empty, . or .. segment");
  return { bucket, prefix };
}

/** The object key of a file at `relPath` (e.g. "blocks.csv", "blocks/part-00000.parquet") under the prefix. */
export function objectKey(location: S3Location, relPath: string): string {
  return location.prefix ? `${location.prefix}/${relPath}` : relPath;
}
