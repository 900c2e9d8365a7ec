import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@chainlog/telemetry";
import { afterAll, describe, expect, it } from "vitest";
import { webRoot } from "../e2e/steps.ts";
import { ensureBuild } from "./ensure-build.ts";
import { SOURCE_DIGEST_FILE, sourceDigest } from "./source-digest.ts";

describe("ensureBuild", () => {
  const scratch = mkdtempSync(join(tmpdir(), "chainlog-web-build-"));
  const logger = createLogger("web-build-test", "warn");
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // `pnpm start` and a test suite (or two starts) may build the same dist/ at once: neither may fail, and what is
  // left must be one whole build, never a folder the other emptied.
  it("builds once per caller at the same time and leaves one complete build", async () => {
    const dist = join(scratch, "public");
    await Promise.all([ensureBuild(webRoot, dist, logger), ensureBuild(webRoot, dist, logger)]);
    expect(readFileSync(join(dist, SOURCE_DIGEST_FILE), "utf8")).toBe(sourceDigest(webRoot));
    expect(readFileSync(join(dist, "index.html"), "utf8")).toContain("<script");
  });

  it("replaces a build made from other sources", async () => {
    const dist = join(scratch, "public");
    writeFileSync(join(dist, SOURCE_DIGEST_FILE), "an older digest");
    writeFileSync(join(dist, "left-over.js"), "");
    await ensureBuild(webRoot, dist, logger);
    expect(readFileSync(join(dist, SOURCE_DIGEST_FILE), "utf8")).toBe(sourceDigest(webRoot));
    expect(existsSync(join(dist, "left-over.js"))).toBe(false);
  });
});
