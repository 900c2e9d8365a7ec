import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startS3Server } from "./start-s3-server.ts";

describe("startS3Server", () => {
  it("serves S3 on loopback with its own credentials, refuses anonymous requests, and stops clean", async () => {
    const s3 = await startS3Server();
    try {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s3.env.AWS_ENDPOINT_URL_S3).toBe(s3.endpoint);
      expect(s3.secretAccessKey.length).toBeGreaterThanOrEqual(32);
      // an unsigned ListBuckets: a real S3 server answers 403 with an S3 error document
      const anonymous = await fetch(`${s3.endpoint}/`);
      expect(anonymous.status).toBe(403);
      expect(await anonymous.text()).toMatch(/<Code>AccessDenied<\/Code>/);
      // and a second server is independent (free port, fresh keys)
      const other = await startS3Server();
      expect(other.endpoint).not.toBe(s3.endpoint);
      expect(other.secretAccessKey).not.toBe(s3.secretAccessKey);
      await other.stop();
      await expect(fetch(`${other.endpoint}/health`)).rejects.toThrow();
    } finally {
      await s3.stop();
    }
    expect(existsSync(s3.dataDir)).toBe(false);
    await expect(fetch(`${s3.endpoint}/health`)).rejects.toThrow();
  }, 1_500_000);
});
