import { z } from "zod";
import { BlockRef, ChainId, SafeInt } from "./primitives.ts";

/**
 * Where ingest stands: the last block the bus acknowledged, and the hashes of the blocks below it (ascending,
 * at most REORG_DEPTH), so that a reorg that happened while ingest was down is found on the next start.
 */
export const IngestCursor = z.object({
  chainId: ChainId,
  tip: BlockRef,
  recent: z.array(BlockRef),
  updatedAt: SafeInt,
});
export type IngestCursor = z.infer<typeof IngestCursor>;
