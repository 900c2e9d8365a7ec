/**
 * Address and block partitions are split by block-number bucket so none grows without bound: an address with
 * a million transactions spreads over buckets of `size` blocks. The size is fixed when the keyspace is created.
 */
export const DefaultBucketSize = 100_000;

export function bucketOf(blockNumber: number, size: number): number {
  return Math.floor(blockNumber / size);
}

/**
 * Token partitions use buckets 100× finer than address ones (1,000 blocks by default): the busiest tokens move
 * hundreds of thousands of transfers a day, far more than any address.
 */
export function tokenBucketSize(size: number): number {
  return Math.max(1, Math.floor(size / 100));
}

/** Price partitions are UTC days of the block timestamp, so a time window names its partitions directly. */
export function dayOf(timestampSeconds: number): number {
  return Math.floor(timestampSeconds / 86_400);
}

/** The address_buckets partition listing the days that have block stats, so a long window reads only those. */
export const StatsDays = { address: "block_stats", kind: "day" } as const;
