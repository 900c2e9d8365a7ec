import { join } from "node:path";
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
});
