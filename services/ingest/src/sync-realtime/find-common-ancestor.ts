import type { BlockRef } from "@chainlog/tx-schema";
import { DeepReorgError } from "../errors.ts";

/**
 * Walks our chain down from `startAt` (newest first) until the node's canonical hash at a height equals ours:
 * that block is the common ancestor. `canonicalHash` answers null for a height the node does not have (a
 * shorter new branch), which counts as a mismatch. Throws when no kept block matches.
 */
export async function findCommonAncestor(
  chain: BlockRef[],
  startAt: number,
  canonicalHash: (number: number) => Promise<string | null>,
): Promise<BlockRef> {
  for (let i = chain.length - 1; i >= 0; i--) {
    const ref = chain[i]!;
    if (ref.number > startAt) continue;
    if ((await canonicalHash(ref.number)) === ref.hash) return ref;
  }
  throw new DeepReorgError(chain.length);
}
