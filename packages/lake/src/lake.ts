import type { LakeEntity, LakeRow } from "./schema.ts";

/** Where the lake stands: every block below `next` is in it, exactly once; nothing at or above it is. */
export interface LakePosition {
  next: number;
  /** Hash and day of block next − 1 (null before the first write). */
  lastHash: string | null;
  lastDay: string | null;
}

/** One part file of a day: the blocks [first, last] it holds (last is null for a name from before ranges). */
export interface LakePart {
  first: number;
  last: number | null;
  /** A path, or s3://bucket/key. */
  path: string;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * Where the sink writes: a directory (LakeDir) or an S3 prefix (LakeS3), both with the layout
 * `entity/date=YYYY-MM-DD/part-<first>-<last>.parquet` and the position under `_chainlog/`.
 */
export interface Lake {
  readonly location: string;
  /** Brings the lake back to its position after a crash and returns it (null before the first write). */
  recover(): MaybePromise<LakePosition | null>;
  /** Writes the rows of blocks [first, last] (one day) as one part per entity, then moves the position. Bytes written. */
  commitPart(
    day: string,
    first: number,
    last: { number: number; hash: string },
    rows: Record<LakeEntity, LakeRow[]>,
  ): MaybePromise<number>;
  /** Merges a final day's parts into one file per entity; false when there was nothing to merge. */
  compactDay(day: string): Promise<boolean>;
  /** Days (ascending) that hold parts of an entity. */
  days(entity: LakeEntity): MaybePromise<string[]>;
  /** Part files of one day, by first block. */
  parts(entity: LakeEntity, day: string): MaybePromise<LakePart[]>;
  close?(): void;
}

const PART = /^part-(\d{12})(?:-(\d{12}))?\.parquet$/;
export const DATE = /^date=(\d{4}-\d{2}-\d{2})$/;

/** The name of the part holding blocks [first, last]: the same range always gets the same name. */
export const partName = (first: number, last: number) =>
  `part-${String(first).padStart(12, "0")}-${String(last).padStart(12, "0")}.parquet`;

export function parsePartName(name: string): { first: number; last: number | null } | null {
  const m = PART.exec(name);
  return m ? { first: Number(m[1]), last: m[2] === undefined ? null : Number(m[2]) } : null;
}

/**
 * Parts of one day that another part's range holds entirely: left behind by a compaction cut between writing the
 * merged file and removing what it merged. Dropping them restores one copy of every row.
 */
export function coveredParts(parts: readonly LakePart[]): LakePart[] {
  return parts.filter(
    (p) =>
      p.last !== null &&
      parts.some(
        (q) => q !== p && q.last !== null && q.first <= p.first && p.last! <= q.last && q.path !== p.path,
      ),
  );
}
