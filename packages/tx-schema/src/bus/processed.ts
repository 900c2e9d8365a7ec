import { z } from "zod";
import { BlockRef, ChainId, SafeInt } from "../records/primitives.ts";
import { TokenTransfer } from "../records/token-transfer.ts";
import { Transaction } from "../records/transaction.ts";

/**
 * Published by the processor after a block's rows are in the store, so live streams (query-api) announce only
 * what a reader can already fetch.
 */
export const ProcessedBlockEnvelope = z.object({
  kind: z.literal("processed"),
  chainId: ChainId,
  block: BlockRef.extend({ timestamp: SafeInt }),
  transactions: z.array(
    Transaction.and(z.object({ status: z.union([z.literal(0), z.literal(1)]).nullable() })),
  ),
  tokenTransfers: z.array(TokenTransfer),
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
