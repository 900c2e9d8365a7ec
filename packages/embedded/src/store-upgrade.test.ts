import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createPageCursors } from "@chainlog/ports";
import { addressOf, buildBlock, richBlock, waitFor } from "@chainlog/ports/contract";
import { mergeBlockStats, utcDay } from "@chainlog/tx-schema";
import { afterEach, describe, expect } from "vitest";
import { SchemaVersionError } from "./errors.ts";
import { openDatabase } from "./sqlite.ts";
import { createSqliteStore } from "./sqlite-store.ts";
import { STORE_SCHEMA_VERSION } from "./store-schema.ts";
import { killWorkers, startWorker } from "./test-support/spawn-worker.ts";
import { it } from "./test-support/temp-files.ts";
import { writeV1Store } from "./test-support/v1-store.ts";
import { openWhileWriterHoldsLock } from "./test-support/write-lock.ts";

describe("SqliteStore schema upgrade", () => {
  afterEach(killWorkers);
  const [a, c, token] = [addressOf("up-a"), addressOf("up-c"), addressOf("up-token")];
  const day = 1_750_000_000;
  const blocks = [0, 1, 2].map((k) =>
    buildBlock({
      number: 100 + k,
      timestamp: day + k * 12,
      txs: [
        { from: a, to: c, transfers: [{ token, from: a, to: c, value: String(k + 1) }], logs: 1 },
        { from: c, to: null },
      ],
    }),
  );
  const cursor = {
    chainId: 31337,
    tip: { number: 102, hash: blocks[2]!.block.hash },
    recent: [{ number: 102, hash: blocks[2]!.block.hash }],
    updatedAt: 1,
  };

  it("upgrades a v1 file in place: every row kept, new indexes and daily stats built for old blocks", async ({
    path,
  }) => {
    const secret = randomBytes(32);
    const db = openDatabase(path);
    writeV1Store(db, secret, blocks, cursor);
    db.close();

    const store = createSqliteStore({ path });
    await store.migrate();
    for (const b of blocks) {
      expect(await store.getBlockByNumber(b.block.number)).toEqual(b.block);
      for (const [i, tx] of b.transactions.entries())
        expect(await store.getTransaction(tx.hash)).toEqual({
          transaction: tx,
          receipt: b.receipts[i],
          logs: b.logs.filter((l) => l.transactionIndex === i),
          tokenTransfers: b.tokenTransfers.filter((t) => t.transactionIndex === i),
          swaps: [],
          approvals: [],
          wethEvents: [],
          contractCreations: b.contractCreations.filter((x) => x.transactionIndex === i),
          internalTransactions: [],
        });
    }
    expect(blocks[0]!.contractCreations).toHaveLength(1);
    expect(await store.getCursor("ingest:31337")).toEqual(cursor);
    // A cursor handed out by v1 still pages: the secret survived.
    const v1Cursor = createPageCursors(secret).encode(`address-txs:${a}`, [102, 0]);
    expect((await store.getAddressTransactions(a, { limit: 10, cursor: v1Cursor })).items).toEqual([
      blocks[1]!.transactions[0],
      blocks[0]!.transactions[0],
    ]);
    // Old transfers are found by token through the new index, and old blocks count in daily stats.
    expect((await store.getTokenTransfers(token, { limit: 10 })).items.map((t) => t.value)).toEqual([
      "3",
      "2",
      "1",
    ]);
    expect(await store.getDailyStats(utcDay(day), utcDay(day))).toEqual(
      mergeBlockStats(blocks.map((b) => b.stats)),
    );
    // Old transfers are summed into the holdings, and a rollback takes them off again.
    const held = async (address: string) =>
      (await store.getAddressHoldings(address, 10)).map((h) => h.balance);
    expect([await held(a), await held(c)]).toEqual([["-6"], ["6"]]);

    // The upgraded file takes new blocks with every derived row, and rolls old ones back completely.
    const rich = richBlock(103, "upgrade", { timestamp: day + 36 });
    await store.writeBlocks([rich]);
    expect((await store.getAddressSwaps(rich.swaps[0]!.transactionFrom, { limit: 5 })).items).toEqual(
      rich.swaps,
    );
    expect((await store.getTransaction(rich.transactions[0]!.hash))?.internalTransactions).toEqual(
      rich.internalTransactions.filter((f) => f.transactionIndex === 0),
    );
    await store.rollbackBlock({ number: 102, hash: blocks[2]!.block.hash });
    expect((await store.getTokenTransfers(token, { limit: 10 })).items).toHaveLength(2);
    expect(await held(c)).toEqual(["3"]);
    expect((await store.getDailyStats(utcDay(day), utcDay(day)))[0]?.blocks).toBe(3);
    await store.close();

    // Opening it again is a no-op.
    const again = createSqliteStore({ path });
    await again.migrate();
    expect((await again.getDailyStats(utcDay(day), utcDay(day)))[0]?.blocks).toBe(3);
    await again.close();
  });

  it("swaps a v7 file's whole-hash index for the prefix index, and finds its transactions through it", async ({
    path,
  }) => {
    const store = createSqliteStore({ path });
    await store.writeBlocks(blocks);
    await store.close();
    // as v7 left it: the index on the whole hash, no prefix index
    const db = openDatabase(path);
    db.exec(`DROP INDEX transactions_by_hash_prefix;
      CREATE INDEX transactions_by_hash ON transactions (hash);
      UPDATE meta SET v = 7 WHERE k = 'schema_version';`);
    db.close();

    const upgraded = createSqliteStore({ path });
    const check = openDatabase(path);
    const indexes = (
      check
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transactions'")
        .all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(indexes).toContain("transactions_by_hash_prefix");
    expect(indexes).not.toContain("transactions_by_hash");
    expect((check.prepare("SELECT v FROM meta WHERE k = 'schema_version'").get() as { v: unknown }).v).toBe(
      STORE_SCHEMA_VERSION,
    );
    check.close();
    for (const b of blocks)
      for (const tx of b.transactions)
        expect((await upgraded.getTransaction(tx.hash))?.transaction).toEqual(tx);
    await upgraded.close();
  });

  it("three processes opening one v1 file at once all succeed, and all read the same upgraded figures", async ({
    path,
    tempPath,
  }) => {
    const go = tempPath("race-go");
    const db = openDatabase(path);
    writeV1Store(db, randomBytes(32), blocks, cursor);
    db.close();
    const workers = [0, 1, 2].map(() => startWorker("./store-open-worker.ts", [path, go, utcDay(day)]));
    await waitFor(() => workers.every((w) => w.lines.includes("ready")), "workers to start", 30_000);
    writeFileSync(go, "");
    const expected = mergeBlockStats(blocks.map((b) => b.stats));
    for (const w of workers) {
      expect((await w.exited)[0], w.stderr()).toBe(0);
      expect(JSON.parse(w.lines[1]!)).toEqual(expected);
    }
  }, 60_000);

  it("opens a current file without waiting for the write lock a writer holds", async ({ path }) => {
    const first = createSqliteStore({ path });
    await first.writeBlocks([blocks[0]!]);
    try {
      const { opened, openMs } = await openWhileWriterHoldsLock(path, () => createSqliteStore({ path }));
      expect(openMs).toBeLessThan(1_000);
      expect(await opened.getBlockByNumber(100)).toEqual(blocks[0]!.block);
      await opened.close();
    } finally {
      await first.close();
    }
  }, 30_000);

  it("refuses a file from a newer schema version and leaves it untouched", async ({ path }) => {
    const store = createSqliteStore({ path });
    await store.writeBlocks([blocks[0]!]);
    await store.close();
    const db = openDatabase(path);
    db.prepare("UPDATE meta SET v = ? WHERE k = 'schema_version'").run([STORE_SCHEMA_VERSION + 1]);
    db.close();
    expect(() => createSqliteStore({ path })).toThrow(SchemaVersionError);
    expect(() => createSqliteStore({ path })).toThrow(/newer than this Chainlog supports/);
    const check = openDatabase(path);
    expect(check.prepare("SELECT count(*) AS n FROM blocks").get([])).toMatchObject({ n: 1 });
    check.close();
  });
});
