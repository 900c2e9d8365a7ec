import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { embeddedPath } from "./open-ports.ts";

describe("embeddedPath", () => {
  it("makes the data directory owner-only, also when it already existed world-readable", () => {
    const root = mkdtempSync(join(tmpdir(), "chainlog-datadir-"));
    try {
      const fresh = join(root, "fresh");
      expect(embeddedPath(loadConfig({ CHAINLOG_DATA_DIR: fresh }), "meta.db")).toBe(join(fresh, "meta.db"));
      expect(statSync(fresh).mode & 0o777).toBe(0o700);
      const old = join(root, "old");
      mkdirSync(old);
      chmodSync(old, 0o755);
      embeddedPath(loadConfig({ CHAINLOG_DATA_DIR: old }), "store.db");
      expect(statSync(old).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
