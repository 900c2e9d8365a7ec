import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordingLogger } from "@chainlog/ports/contract";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { embeddedPath, openChainWriter, openOperationalState, openReadModel } from "./open-ports.ts";

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

describe("opening the store by role (embedded)", () => {
  it("ingest's operational state is the adapter without chain methods; the writer and the read model share its cursor", async () => {
    const root = mkdtempSync(join(tmpdir(), "chainlog-roles-"));
    const config = loadConfig({ CHAINLOG_DATA_DIR: root });
    const cursor = { chainId: 1, tip: { number: 5, hash: `0x${"cd".repeat(32)}` }, recent: [], updatedAt: 1 };
    try {
      const state = await openOperationalState(config, recordingLogger());
      await state.setCursor("ingest:1", cursor);
      // the operational-state adapter alone (its tables only: see embedded's sqlite-operational-state test)
      expect("writeBlocks" in state || "getLatestBlock" in state).toBe(false);
      const writer = await openChainWriter(config, recordingLogger());
      const reader = await openReadModel(config, recordingLogger());
      try {
        expect(await writer.getCursor("ingest:1")).toEqual(cursor);
        expect(await reader.getCursor("ingest:1")).toEqual(cursor);
        expect(await reader.getLatestBlock()).toBeNull();
      } finally {
        await Promise.all([writer.close(), reader.close(), state.close()]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
