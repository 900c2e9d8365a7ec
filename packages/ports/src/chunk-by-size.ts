/**
 * Splits items, in order, into consecutive chunks of at most `maxSize` total `size` and at most `maxCount` items.
 * An item larger than the budget travels alone. The bus adapters chunk publishes with it, the store adapters
 * their batches.
 */
export function chunkBySize<T>(
  items: readonly T[],
  size: (item: T) => number,
  maxSize: number,
  maxCount = Number.POSITIVE_INFINITY,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const s = size(item);
    if (current.length > 0 && (total + s > maxSize || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
