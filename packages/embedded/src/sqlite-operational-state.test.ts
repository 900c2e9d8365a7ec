import { buildBlock, hashOf } from "@chainlog/ports/contract";
import { ServiceStatus } from "@chainlog/tx-schema";
import { describe, expect } from "vitest";
import { SchemaVersionError } from "./errors.ts";
import { openDatabase, prepareRaw } from "./sqlite.ts";
import { createSqliteOperationalState } from "./sqlite-operational-state.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { STORE_SCHEMA_VERSION } from "./store-schema.ts";
import { it } from "./test-support/temp-files.ts";
import { openWhileWriterHoldsLock } from "./test-support/write-lock.ts";

const tablesOf = (path: string): string[] => {
  const db = openDatabase(path);
  try {
    return prepareRaw(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => String(r[0]));
  } finally {
    db.close();
  }
};

const cursor = (n: number) => ({
  chainId: 1,
  tip: { number: n, hash: hashOf(`tip${n}`) },
  recent: [],
  updatedAt: 1_700_000_000_000,
});

const report = ServiceStatus.parse({
  service: "processor",
  instance: "p-1",
  updatedAt: Date.now(),
  lastBlock: 5,
  consumerLag: 0,
  blocksPerSecond: 1,
  rollbacks: 0,
  lastProgressAt: Date.now(),
});

describe("SqliteOperationalState on the store file", () => {
  it("creates only its own tables; the whole store opened later migrates the file and reads what it wrote", async ({
    path,
  }) => {
    const state = createSqliteOperationalState({ path });
    await state.setCursor("ingest:1", cursor(10));
    await state.putServiceStatus(report);
    expect(tablesOf(path)).toEqual(["cursors", "service_statuses"]);

    const store = createSqliteStore({ path });
    try {
      expect(tablesOf(path)).toContain("blocks");
      expect(await store.getCursor("ingest:1")).toEqual(cursor(10));
      expect(await store.getServiceStatuses(60_000)).toEqual([report]);
      // both stay open side by side, as ingest and the processor do
      const block = buildBlock({ number: 3 });
      await store.writeBlocks([block]);
      await state.setCursor("ingest:1", cursor(11));
      expect(await store.getCursor("ingest:1")).toEqual(cursor(11));
      expect(await store.getBlockByNumber(3)).toEqual(block.block);
    } finally {
      await store.close();
      await state.close();
    }
  });

  it("opens a file the whole store made, and refuses one from a newer schema version", async ({ path }) => {
    const store = createSqliteStore({ path });
    await store.setCursor("ingest:1", cursor(20));
    await store.close();
    const state = createSqliteOperationalState({ path });
    expect(await state.getCursor("ingest:1")).toEqual(cursor(20));
    expect((await state.health()).ok).toBe(true);
    await state.close();

    const db = openDatabase(path);
    db.prepare("UPDATE meta SET v = ? WHERE k = 'schema_version'").run([STORE_SCHEMA_VERSION + 1]);
    db.close();
    expect(() => createSqliteOperationalState({ path })).toThrow(SchemaVersionError);
  });

  it("opens a file with its tables by a read, not waiting for the write lock a writer holds", async ({
    path,
  }) => {
    const first = createSqliteOperationalState({ path });
    await first.setCursor("ingest:1", cursor(30));
    try {
      const { opened, openMs } = await openWhileWriterHoldsLock(path, () =>
        createSqliteOperationalState({ path }),
      );
      expect(openMs).toBeLessThan(1_000);
      expect(await opened.getCursor("ingest:1")).toEqual(cursor(30));
      await opened.close();
    } finally {
      await first.close();
    }
  }, 30_000);
});
