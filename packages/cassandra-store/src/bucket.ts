/**
 * Address and block partitions are split by block-number bucket so none grows without bound: an address with
 * a million transactions spreads over buckets of `size` blocks. The size is fixed when the keyspace is created.
 */
export const DefaultBucketSize = 100_000;

export function bucketOf(blockNumber: number, size: number): number {
  return Math.floor(blockNumber / size);
}
