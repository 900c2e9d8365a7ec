import { z } from "zod";
import { BlockRef, ChainId } from "../records/primitives.ts";

/**
 * Raw stage → enrichment stage (chainlog.enrich): a block whose raw rows are now in the store, named by number
 * and hash only. The enricher reads the block's records from the store, so the bus carries each block's payload
 * once (ingest's copy in chainlog.blocks) instead of twice.
 */
export const StoredBlockEnvelope = z.object({
  kind: z.literal("stored"),
  chainId: ChainId,
  block: BlockRef,
});
export type StoredBlockEnvelope = z.infer<typeof StoredBlockEnvelope>;
