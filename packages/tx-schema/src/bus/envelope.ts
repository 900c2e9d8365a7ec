import { z } from "zod";
import { Block } from "../records/block.ts";
import { Log } from "../records/log.ts";
import { BlockRef, ChainId } from "../records/primitives.ts";
import { Receipt } from "../records/receipt.ts";
import { Transaction } from "../records/transaction.ts";

/** A canonical block with everything that happened in it; the unit ingest publishes and processor applies. */
export const BlockEnvelope = z
  .object({
    kind: z.literal("block"),
    chainId: ChainId,
    block: Block,
    transactions: z.array(Transaction),
    receipts: z.array(Receipt),
    logs: z.array(Log),
  })
  .superRefine((env, ctx) => {
    // A bundle is all-or-nothing: a reader must never see a block whose parts disagree.
    if (env.transactions.length !== env.block.transactionCount)
      ctx.addIssue({
        code: "custom",
        message: "transaction count differs from the block's",
        path: ["transactions"],
      });
    if (env.receipts.length !== env.transactions.length)
      ctx.addIssue({
        code: "custom",
        message: "receipt count differs from transaction count",
        path: ["receipts"],
      });
    for (const [i, tx] of env.transactions.entries())
      if (tx.blockHash !== env.block.hash || env.receipts[i]?.transactionHash !== tx.hash) {
        ctx.addIssue({
          code: "custom",
          message: `transaction ${i} does not line up with its block or receipt`,
          path: ["transactions", i],
        });
        break;
      }
    if (env.logs.some((l) => l.blockHash !== env.block.hash))
      ctx.addIssue({ code: "custom", message: "a log belongs to another block", path: ["logs"] });
  });
export type BlockEnvelope = z.infer<typeof BlockEnvelope>;

/**
 * Retracts a block that is no longer canonical. Consumers delete every row (raw and derived) of `block.hash`.
 * Published before the replacement blocks, under the same key, so it is ordered ahead of them.
 */
export const RollbackEnvelope = z.object({
  kind: z.literal("rollback"),
  chainId: ChainId,
  block: BlockRef,
  /** The newest block both chains share: everything above it on the old branch is being retracted. */
  commonAncestor: BlockRef,
});
export type RollbackEnvelope = z.infer<typeof RollbackEnvelope>;

/** The node's `safe` and `finalized` tags: below `finalized`, no rollback will ever come. */
export const FinalityEnvelope = z.object({
  kind: z.literal("finality"),
  chainId: ChainId,
  safe: BlockRef.nullable(),
  finalized: BlockRef.nullable(),
});
export type FinalityEnvelope = z.infer<typeof FinalityEnvelope>;

export const BusEnvelope = z.discriminatedUnion("kind", [BlockEnvelope, RollbackEnvelope, FinalityEnvelope]);
export type BusEnvelope = z.infer<typeof BusEnvelope>;

/** Topic names. The blocks topic carries blocks, rollbacks and finality so their relative order is kept. */
export const Topics = {
  blocks: "chainlog.blocks",
  /** Processor → live readers: what has just become readable in the store (see processed.ts). */
  processed: "chainlog.processed",
  /**
   * Raw stage → enrichment stage: a reference to each block of chainlog.blocks once its raw rows are in the store
   * (see stored.ts), so the enricher never reads ahead of them; a block rolled back since is no longer stored.
   */
  enrich: "chainlog.enrich",
} as const;

/** The partition key: rollback and replacement of height N share it, so a partition keeps their order. */
export function envelopeKey(env: BusEnvelope): string {
  switch (env.kind) {
    case "block":
      return `${env.chainId}:${env.block.number}`;
    case "rollback":
      return `${env.chainId}:${env.block.number}`;
    case "finality":
      return `${env.chainId}:finality`;
  }
}
