import { describe, expect, it } from "vitest";
import { S3UrlError } from "./errors.ts";
import { isS3Url, objectKey, parseS3Url } from "./s3-url.ts";

describe("parseS3Url", () => {
  it.each([
    ["s3://bucket", { bucket: "bucket", prefix: "" }, "blocks.csv"],
    ["s3://bucket/", { bucket: "bucket", prefix: "" }, "blocks.csv"],
    [
      "s3://my.bucket-1/exports/2024",
      { bucket: "my.bucket-1", prefix: "exports/2024" },
      "exports/2024/blocks.csv",
    ],
    ["S3://bucket/a/b///", { bucket: "bucket", prefix: "a/b" }, "a/b/blocks.csv"],
  ])("%s", (url, location, key) => {
    expect(isS3Url(url)).toBe(true);
    expect(parseS3Url(url)).toEqual(location);
    expect(objectKey(parseS3Url(url), "blocks.csv")).toBe(key);
  });

  it.each([
    "s3://",
    "s3:///prefix",
    "s3://ab",
    "s3://Bucket",
    "s3://under_score",
    "s3://-dash",
    "s3://a..b",
    "s3://bucket/a//b",
    "s3://bucket/../b",
    "s3://bucket/x?versionId=1",
  ])("refuses %s", (url) => {
    expect(() => parseS3Url(url)).toThrow(S3UrlError);
  });

  it("leaves directories alone", () => {
    expect(isS3Url("./export")).toBe(false);
    expect(isS3Url("/tmp/s3:/x")).toBe(false);
  });
});
