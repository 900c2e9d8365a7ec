import { z } from "zod";
import { BlockRef, ChainId, SafeInt } from "../records/primitives.ts";

/**
 * Published by the processor after a block's rows are in the store, so live streams (query-api) announce only
 * what a reader can already fetch. A reference, as the enrich topic's: readers that want the block's
 * transactions or transfers read them from the store (query-api's live feed does, and only while a client
 * listens), so the topic is a few hundred bytes a block instead of a second copy of every transaction.
 * Messages of earlier versions carried the transactions and transfers too; they read as references.
 */
export const ProcessedBlockEnvelope = z.object({
  kind: z.literal("processed"),
  chainId: ChainId,
  block: BlockRef.extend({ timestamp: SafeInt }),
});
export type ProcessedBlockEnvelope = z.infer<typeof ProcessedBlockEnvelope>;

/** Published by the processor after it removed a retracted block's rows. */
export const RetractedBlockEnvelope = z.object({
  kind: z.literal("retracted"),
  chainId: ChainId,
  block: BlockRef,
});
export type RetractedBlockEnvelope = z.infer<typeof RetractedBlockEnvelope>;

export const ProcessedEnvelope = z.discriminatedUnion("kind", [
  ProcessedBlockEnvelope,
  RetractedBlockEnvelope,
]);
export type ProcessedEnvelope = z.infer<typeof ProcessedEnvelope>;
