import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RowShapeError } from "./errors.ts";
import { createRowInserter } from "./row-inserter.ts";
import { type Db, openDatabase, prepareRaw } from "./sqlite.ts";
import { tempDir } from "./temp-dir.ts";

describe("createRowInserter", () => {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    tmp?.remove();
  });

  const open = () => {
    tmp = tempDir("chainlog-rows-");
    db = openDatabase(join(tmp.dir, "rows.db"));
    db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER)");
    return db;
  };
  const all = (d: Db) => prepareRaw(d, "SELECT k, v, n FROM t ORDER BY k").all();

  it("inserts every queued row, whatever their count, as row-by-row inserts would", () => {
    const d = open();
    const rows = createRowInserter(d, "INSERT OR REPLACE INTO t (k, v, n)\n     VALUES (?, ?, ?)");
    // 64 + 32 + 16 + 8 + 4 + 2 + 1 rows: every statement size once
    const expected: unknown[][] = [];
    for (let k = 0; k < 127; k++) {
      rows.add([k, `v${k}`, k % 3 === 0 ? null : k * 10]);
      expected.push([k, `v${k}`, k % 3 === 0 ? null : k * 10]);
    }
    expect(all(d)).toEqual([]);
    rows.flush();
    expect(all(d)).toEqual(expected);
    rows.flush();
    expect(all(d)).toHaveLength(127);
  });

  it("resolves a key repeated within one statement in the order the rows were added", () => {
    const d = open();
    const replace = createRowInserter(d, "INSERT OR REPLACE INTO t (k, v, n) VALUES (?, ?, ?)");
    replace.add([1, "first", 1]);
    replace.add([1, "second", 2]);
    replace.flush();
    const ignore = createRowInserter(d, "INSERT OR IGNORE INTO t (k, v, n) VALUES (?, ?, ?)");
    ignore.add([2, "kept", 1]);
    ignore.add([2, "ignored", 2]);
    ignore.add([1, "ignored", 3]);
    ignore.flush();
    expect(all(d)).toEqual([
      [1, "second", 2],
      [2, "kept", 1],
    ]);
  });

  it("drops cleared rows, and refuses a row of the wrong width or a statement it cannot widen", () => {
    const d = open();
    const rows = createRowInserter(d, "INSERT INTO t (k, v, n) VALUES (?, ?, ?)");
    rows.add([1, "gone", 1]);
    rows.clear();
    rows.add([2, "kept", 2]);
    expect(() => rows.add([3, "short"])).toThrow(RowShapeError);
    rows.flush();
    expect(all(d)).toEqual([[2, "kept", 2]]);
    expect(() => createRowInserter(d, "INSERT INTO t SELECT 1, 'x', 2")).toThrow(RowShapeError);
  });
});
