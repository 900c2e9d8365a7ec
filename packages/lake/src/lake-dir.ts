import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { LakePositionError } from "./errors.ts";
import { decodeParquet, encodeParquet } from "./parquet.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";

/** Where the lake stands: every block below `next` is in it, exactly once; nothing at or above it is. */
export interface LakePosition {
  next: number;
  /** Hash and day of block next − 1 (null before the first write). */
  lastHash: string | null;
  lastDay: string | null;
}

const PART = /^part-(\d{12})\.parquet$/;
const DATE = /^date=(\d{4}-\d{2}-\d{2})$/;
export const partName = (firstBlock: number) => `part-${String(firstBlock).padStart(12, "0")}.parquet`;

function writeFileDurably(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A lake in a local directory: `entity/date=YYYY-MM-DD/part-<first block>.parquet`, which DuckDB, Spark and
 * Athena read as hive-partitioned tables. Parts are written aside under `_chainlog/` (ignored by those readers),
 * renamed into place, and only then is the position moved past them (written aside and renamed too). Parts at or
 * above the position are leftovers of a run that died before moving it, and are removed on open, so a restart
 * writes them again and never twice.
 */
export class LakeDir {
  readonly location: string;
  private readonly meta: string;

  constructor(dir: string) {
    this.location = dir;
    this.meta = join(dir, "_chainlog");
    mkdirSync(this.meta, { recursive: true });
  }

  private get positionPath() {
    return join(this.meta, "position.json");
  }

  readPosition(): LakePosition | null {
    if (!existsSync(this.positionPath)) return null;
    const p = JSON.parse(readFileSync(this.positionPath, "utf8")) as LakePosition;
    if (!Number.isSafeInteger(p.next) || p.next < 0)
      throw new LakePositionError(`${this.positionPath} holds no valid position`);
    return p;
  }

  private writePosition(p: LakePosition): void {
    const tmp = `${this.positionPath}.${process.pid}.tmp`;
    writeFileDurably(tmp, JSON.stringify(p));
    renameSync(tmp, this.positionPath);
    fsyncDir(this.meta);
  }

  /** Days (ascending) that hold parts of an entity. */
  days(entity: LakeEntity): string[] {
    const dir = join(this.location, entity);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((n) => DATE.exec(n)?.[1])
      .filter((d): d is string => !!d)
      .sort();
  }

  /** Part files of one day, by first block. */
  parts(entity: LakeEntity, day: string): { first: number; path: string }[] {
    const dir = join(this.location, entity, `date=${day}`);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((n) => ({ m: PART.exec(n), n }))
      .filter((x) => x.m)
      .map((x) => ({ first: Number(x.m![1]), path: join(dir, x.n) }))
      .sort((a, b) => a.first - b.first);
  }

  /** Every row of a table, day by day and part by part (tests and small lakes; DuckDB reads big ones). */
  async readTable(entity: LakeEntity): Promise<(LakeRow & { date: string })[]> {
    const out: (LakeRow & { date: string })[] = [];
    for (const day of this.days(entity))
      for (const part of this.parts(entity, day))
        for (const row of await decodeParquet(part.path)) out.push({ ...row, date: day });
    return out;
  }

  /**
   * Brings the folder back to its position after a crash: finishes or drops a compaction caught between its two
   * renames, and removes parts at or above the position (written, but never committed).
   */
  recover(): LakePosition | null {
    const position = this.readPosition();
    rmSync(join(this.meta, "staging"), { recursive: true, force: true });
    for (const entity of LakeEntities) {
      const work = join(this.meta, "compact", entity);
      if (existsSync(work))
        for (const name of readdirSync(work)) {
          const m = /^date=(.+)\.new$/.exec(name);
          const live = join(this.location, entity, `date=${m?.[1]}`);
          // the swap's first rename happened (the old day is aside): finish it; otherwise start over later
          if (m && !existsSync(live)) renameSync(join(work, name), live);
          else rmSync(join(work, name), { recursive: true, force: true });
        }
      // with no position yet, nothing was ever committed
      for (const day of this.days(entity))
        for (const part of this.parts(entity, day))
          if (part.first >= (position?.next ?? 0)) rmSync(part.path, { force: true });
    }
    return position;
  }

  /**
   * Writes the rows of blocks [first, last] (one day) as one part per entity (an empty one too: every table exists
   * for every day, and a shorter rewrite of the same name never leaves older rows behind), then moves the position.
   */
  commitPart(
    day: string,
    first: number,
    last: { number: number; hash: string },
    rows: Record<LakeEntity, LakeRow[]>,
  ): number {
    const staging = join(this.meta, "staging", randomBytes(6).toString("hex"));
    const name = partName(first);
    let bytes = 0;
    for (const entity of LakeEntities) {
      const data = encodeParquet(entity, rows[entity]);
      bytes += data.byteLength;
      writeFileDurably(join(staging, entity, name), data);
    }
    for (const entity of LakeEntities) {
      const target = join(this.location, entity, `date=${day}`);
      mkdirSync(target, { recursive: true });
      renameSync(join(staging, entity, name), join(target, name));
      fsyncDir(target);
    }
    rmSync(staging, { recursive: true, force: true });
    this.writePosition({ next: last.number + 1, lastHash: last.hash, lastDay: day });
    return bytes;
  }

  /**
   * Merges a final day's parts into one file per entity. The merged day is built aside, then swapped in with two
   * renames (old day aside, new day in); recover() finishes a swap cut between them. Readers see either the parts
   * or the merged file, never both.
   */
  async compactDay(day: string): Promise<boolean> {
    let changed = false;
    for (const entity of LakeEntities) {
      const parts = this.parts(entity, day);
      if (parts.length < 2) continue;
      const rows: LakeRow[] = [];
      for (const part of parts) rows.push(...(await decodeParquet(part.path)));
      const work = join(this.meta, "compact", entity);
      const tmp = join(work, `date=${day}.tmp`);
      const ready = join(work, `date=${day}.new`);
      const old = join(work, `date=${day}.old`);
      rmSync(tmp, { recursive: true, force: true });
      writeFileDurably(join(tmp, partName(parts[0]!.first)), encodeParquet(entity, rows));
      rmSync(ready, { recursive: true, force: true });
      renameSync(tmp, ready);
      const live = join(this.location, entity, `date=${day}`);
      rmSync(old, { recursive: true, force: true });
      renameSync(live, old);
      renameSync(ready, live);
      rmSync(old, { recursive: true, force: true });
      changed = true;
    }
    return changed;
  }
}
