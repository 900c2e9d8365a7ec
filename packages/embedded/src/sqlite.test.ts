import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "libsql";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./sqlite.ts";
import { tempDir } from "./temp-dir.ts";

const pragma = (db: Database.Database, name: string) =>
  (db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[name];

describe("openDatabase", () => {
  let tmp: ReturnType<typeof tempDir> | undefined;
  afterEach(() => tmp?.remove());

  it("gives a new file 16 KiB pages, and checkpoints every 32 MiB of WAL whatever a file's page size", () => {
    tmp = tempDir("chainlog-sqlite-");
    const fresh = openDatabase(join(tmp.dir, "new.db"));
    fresh.exec("CREATE TABLE t (x)");
    expect(pragma(fresh, "page_size")).toBe(16_384);
    expect(pragma(fresh, "wal_autocheckpoint")).toBe(2_048);
    expect(pragma(fresh, "journal_mode")).toBe("wal");
    fresh.close();

    // a file written by an older version keeps its 4 KiB pages, and its mark stays at 32 MiB
    const oldPath = join(tmp.dir, "old.db");
    const old = new Database(oldPath);
    old.exec("PRAGMA journal_mode = WAL");
    old.exec("CREATE TABLE t (x)");
    old.exec("INSERT INTO t VALUES (1)");
    old.close();
    const reopened = openDatabase(oldPath);
    expect(pragma(reopened, "page_size")).toBe(4_096);
    expect(pragma(reopened, "wal_autocheckpoint")).toBe(8_192);
    expect(reopened.prepare("SELECT x FROM t").get()).toMatchObject({ x: 1 });
    reopened.close();
  });

  it("waits for a file another process is still creating, until its busy timeout", async () => {
    tmp = tempDir("chainlog-sqlite-");
    // Another process creates the file and writes it for a while before it switches to WAL: switching this
    // connection to WAL meanwhile is refused at once (SQLITE_BUSY), without SQLite's busy handler.
    const writing = async (path: string, ms: number) => {
      const writer = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import Database from "libsql";
           const db = new Database(${JSON.stringify(path)});
           db.exec("CREATE TABLE IF NOT EXISTS t (x)");
           db.exec("BEGIN IMMEDIATE");
           db.exec("INSERT INTO t VALUES (1)");
           console.log("writing");
           const end = Date.now() + ${ms};
           while (Date.now() < end);
           db.exec("COMMIT");`,
        ],
        { cwd: join(dirname(fileURLToPath(import.meta.url)), ".."), stdio: ["ignore", "pipe", "inherit"] },
      );
      await once(writer.stdout!, "data");
      return writer;
    };

    const path = join(tmp.dir, "bus.db");
    let writer = await writing(path, 600);
    let started = Date.now();
    const db = openDatabase(path, { busyTimeoutMs: 10_000 });
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(pragma(db, "journal_mode")).toBe("wal");
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).toMatchObject({ n: 1 });
    db.close();
    await once(writer, "exit");

    // and gives up at its timeout, with SQLite's own error
    writer = await writing(join(tmp.dir, "other.db"), 1_200);
    started = Date.now();
    expect(() => openDatabase(join(tmp!.dir, "other.db"), { busyTimeoutMs: 300 })).toThrow(/locked/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1_100);
    await once(writer, "exit");
  }, 30_000);
});
