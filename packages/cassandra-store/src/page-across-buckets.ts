import type { Page } from "@chainlog/ports";
import type { BucketKind } from "./block-rows.ts";
import { num, parse, readOptions, type StoreContext } from "./context.ts";
import { type BlockTable, BlockTables } from "./schema/tables.ts";

export interface BucketPageQuery {
  /** The table's partition-key values before its bucket column, e.g. [address] or [token, quote]. */
  partition: unknown[];
  table: BlockTable;
  /** The JSON data column returned. */
  column: string;
  /** Where the partition's buckets are listed. */
  registry: { address: string; kind: BucketKind };
  bucketOf(position: readonly number[]): number;
  limit: number;
  cursor: string | null | undefined;
  /** Binds a cursor to its query (and filters): one made for another is refused. */
  query: string;
  /** Inclusive lower bound on the clustering position. */
  from?: number[];
  /** Exclusive upper bound on the clustering position. */
  before?: number[];
}

const lexLess = (a: readonly number[], b: readonly number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return a.length < b.length;
};

/**
 * Keyset pagination, newest first, over a partition split into buckets: walks the registered buckets from
 * the cursor's down, reading only what the page still needs from each. Positions are the clustering columns.
 */
export async function pageAcrossBuckets<T>(ctx: StoreContext, q: BucketPageQuery): Promise<Page<T>> {
  const { cursors } = await ctx.settings();
  const t = BlockTables[q.table];
  const positionCols: readonly string[] = t.key.slice(t.partition);
  const partitionCols: readonly string[] = t.key.slice(0, t.partition);
  const after = q.cursor ? cursors.decode(q.query, q.cursor, positionCols.length) : null;
  const before = after && (!q.before || lexLess(after, q.before)) ? after : (q.before ?? null);
  const topBucket = before ? q.bucketOf(before) : null;
  const lowBucket = q.from ? q.bucketOf(q.from) : null;

  const bucketWhere = [
    "address = ? AND kind = ?",
    ...(topBucket === null ? [] : ["bucket <= ?"]),
    ...(lowBucket === null ? [] : ["bucket >= ?"]),
  ].join(" AND ");
  const bucketsRs = await ctx.exec(
    `SELECT bucket FROM ${ctx.ks}.address_buckets WHERE ${bucketWhere}`,
    [
      q.registry.address,
      q.registry.kind,
      ...(topBucket === null ? [] : [topBucket]),
      ...(lowBucket === null ? [] : [lowBucket]),
    ],
    // small pages: most reads need the newest bucket or two; iteration fetches more only when they run dry
    { ...readOptions, fetchSize: 64 },
  );
  const cols = positionCols.join(", ");
  const tuple = `(${positionCols.map(() => "?").join(", ")})`;
  const partitionWhere = partitionCols.map((c) => `${c} = ?`).join(" AND ");
  const found: Array<{ position: number[]; item: T }> = [];
  for await (const b of bucketsRs) {
    const bucket = num(b.bucket);
    const need = q.limit + 1 - found.length;
    const seek = before !== null && bucket === topBucket;
    const floor = q.from !== undefined && bucket === lowBucket;
    const rs = await ctx.exec(
      `SELECT ${cols}, ${q.column} FROM ${ctx.ks}.${q.table} WHERE ${partitionWhere}${
        seek ? ` AND (${cols}) < ${tuple}` : ""
      }${floor ? ` AND (${cols}) >= ${tuple}` : ""} LIMIT ${need}`,
      [...q.partition, bucket, ...(seek ? before : []), ...(floor ? (q.from ?? []) : [])],
      readOptions,
    );
    for (const r of rs.rows)
      found.push({ position: positionCols.map((c) => num(r[c])), item: parse<T>(r[q.column]) });
    if (found.length > q.limit) break;
  }
  const items = found.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((f) => f.item),
    nextCursor: found.length > q.limit && last ? cursors.encode(q.query, last.position) : null,
  };
}
