import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  closeSync,
  createWriteStream,
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
import type { OutputFile } from "@chainlog/etl-export";
import { LakePositionError } from "./errors.ts";
import { DATE, type Lake, type LakePart, type LakePosition, parsePartName, partName } from "./lake.ts";
import { createParquetStream, decodeParquet, encodeParquet, parquetRowGroups } from "./parquet.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";

/** Merged name of parts: their whole range, or the first block alone for parts named before ranges. */
const mergedName = (parts: readonly LakePart[]) =>
  parts.every((p) => p.last !== null)
    ? partName(parts[0]!.first, Math.max(...parts.map((p) => p.last!)))
    : `part-${String(parts[0]!.first).padStart(12, "0")}.parquet`;

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

/** A file written through a stream and made durable on close (the streaming merge's output). */
async function durableFileOutput(path: string): Promise<OutputFile> {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  await once(stream, "open");
  const end = async () => {
    if (stream.closed) return;
    stream.end();
    await once(stream, "close");
  };
  return {
    location: path,
    async write(chunk) {
      if (!stream.write(chunk)) await once(stream, "drain");
    },
    async close() {
      await end();
      const fd = openSync(path, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    abort: end,
  };
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
export class LakeDir implements Lake {
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
  parts(entity: LakeEntity, day: string): LakePart[] {
    const dir = join(this.location, entity, `date=${day}`);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((n) => ({ range: parsePartName(n), n }))
      .filter((x) => x.range)
      .map((x) => ({ ...x.range!, path: join(dir, x.n) }))
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
    const name = partName(first, last.number);
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
      const work = join(this.meta, "compact", entity);
      const tmp = join(work, `date=${day}.tmp`);
      const ready = join(work, `date=${day}.new`);
      const old = join(work, `date=${day}.old`);
      rmSync(tmp, { recursive: true, force: true });
      // streamed: one part's bytes and one row group at a time, however large the day
      const out = createParquetStream(entity, await durableFileOutput(join(tmp, mergedName(parts))));
      for (const part of parts)
        for await (const group of parquetRowGroups(readFileSync(part.path))) await out.write(group);
      await out.close();
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
