import { chunkBySize } from "@chainlog/ports";

/**
 * Groups statements of ONE partition into unlogged batches of at most `maxBytes` of values (Cassandra warns
 * above 5 KiB a batch and refuses 50 KiB; Amazon Keyspaces caps a batch at 30 statements). A statement larger
 * than the budget goes alone. Batches across partitions would make one coordinator fan out: never built here.
 */
export function partitionBatches<T>(
  items: T[],
  size: (item: T) => number,
  maxBytes = 4_096,
  maxCount = 30,
): T[][] {
  return chunkBySize(items, size, maxBytes, maxCount);
}

/** Splits keys into chunks whose JSON stays near `maxBytes`, so a block's height index is a few rows, not one per key. */
export function chunkByBytes(keys: string[], maxBytes = 3_500): string[][] {
  return partitionBatches(keys, (k) => k.length + 1, maxBytes, Number.MAX_SAFE_INTEGER);
}
