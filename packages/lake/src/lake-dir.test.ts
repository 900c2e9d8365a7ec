import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { partName } from "./lake.ts";
import { LakeDir } from "./lake-dir.ts";
import { decodeParquet } from "./parquet.ts";
import { LakeEntities, type LakeEntity } from "./schema.ts";
import { blockRows, useTempDirs } from "./test-support/lake-fixtures.ts";

const fresh = useTempDirs("chainlog-lake-");

async function numbers(lake: LakeDir, entity: LakeEntity): Promise<number[]> {
  const out: number[] = [];
  for (const day of lake.days(entity))
    for (const part of lake.parts(entity, day))
      for (const r of await decodeParquet(part.path)) out.push(Number(r.block_number ?? r.number));
  return out.sort((a, b) => a - b);
}

describe("LakeDir", () => {
  it("commits parts then the position; a restart drops parts above the position and writes the range again", async () => {
    const dir = fresh();
    const lake = new LakeDir(dir);
    lake.commitPart("2026-01-01", 0, { number: 4, hash: "0x4" }, blockRows(0, 4));
    // a run that died after renaming part 5 into place but before moving the position
    lake.commitPart("2026-01-01", 5, { number: 9, hash: "0x9" }, blockRows(5, 9));
    writeFileSync(
      join(dir, "_chainlog", "position.json"),
      JSON.stringify({ next: 5, lastHash: "0x4", lastDay: "2026-01-01" }),
    );
    const again = new LakeDir(dir);
    expect(again.recover()).toEqual({ next: 5, lastHash: "0x4", lastDay: "2026-01-01" });
    expect(again.parts("blocks", "2026-01-01").map((p) => p.first)).toEqual([0]);
    again.commitPart("2026-01-01", 5, { number: 7, hash: "0x7" }, blockRows(5, 7));
    expect(await numbers(again, "blocks")).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await numbers(again, "logs")).length).toBe(16);
    // every table has its part for every written range, an empty one too
    for (const e of LakeEntities)
      expect(
        again.parts(e, "2026-01-01").map((p) => p.first),
        e,
      ).toEqual([0, 5]);
  });

  it("with no position, nothing was committed: every part is a leftover", () => {
    const dir = fresh();
    new LakeDir(dir).commitPart("2026-01-01", 0, { number: 1, hash: "0x1" }, blockRows(0, 1));
    rmSync(join(dir, "_chainlog", "position.json"));
    const lake = new LakeDir(dir);
    expect(lake.recover()).toBeNull();
    expect(lake.parts("blocks", "2026-01-01")).toEqual([]);
  });

  it("compacts a day into one file per table with the same rows, and finishes a swap cut between its renames", async () => {
    const dir = fresh();
    const lake = new LakeDir(dir);
    lake.commitPart("2026-01-01", 0, { number: 2, hash: "0x2" }, blockRows(0, 2));
    lake.commitPart("2026-01-01", 3, { number: 5, hash: "0x5" }, blockRows(3, 5));
    expect(await lake.compactDay("2026-01-01")).toBe(true);
    expect(await lake.compactDay("2026-01-01")).toBe(false);
    for (const e of LakeEntities)
      expect(
        lake.parts(e, "2026-01-01").map((p) => p.first),
        e,
      ).toEqual([0]);
    expect(await numbers(lake, "blocks")).toEqual([0, 1, 2, 3, 4, 5]);
    const [price] = await decodeParquet(lake.parts("prices", "2026-01-01")[0]!.path);
    expect(price).toMatchObject({ token: "0xt", quote: "USD", price: 0.5, block_number: 0n });

    // Crash after "old day aside", before "new day in": recover() puts the merged day in place.
    lake.commitPart("2026-01-02", 6, { number: 7, hash: "0x7" }, blockRows(6, 7));
    lake.commitPart("2026-01-02", 8, { number: 9, hash: "0x9" }, blockRows(8, 9));
    const work = join(dir, "_chainlog", "compact", "blocks");
    mkdirSync(join(work, "date=2026-01-02.new"), { recursive: true });
    const merged = new LakeDir(fresh());
    merged.commitPart("2026-01-02", 6, { number: 9, hash: "0x9" }, blockRows(6, 9));
    renameSync(
      merged.parts("blocks", "2026-01-02")[0]!.path,
      join(work, "date=2026-01-02.new", partName(6, 9)),
    );
    renameSync(join(dir, "blocks", "date=2026-01-02"), join(work, "date=2026-01-02.old"));
    const restarted = new LakeDir(dir);
    restarted.recover();
    expect(restarted.parts("blocks", "2026-01-02").map((p) => p.first)).toEqual([6]);
    expect(await numbers(restarted, "blocks")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(readdirSync(work)).toEqual([]);

    // Crash before the first rename: the live day (its parts) stays, the half-made merge is dropped.
    mkdirSync(join(work, "date=2026-01-01.new"), { recursive: true });
    restarted.recover();
    expect(existsSync(join(work, "date=2026-01-01.new"))).toBe(false);
    expect(await numbers(restarted, "blocks")).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
