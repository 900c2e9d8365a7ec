import { z } from "zod";
import { InBlock } from "./event-location.ts";
import { SafeInt } from "./primitives.ts";

/**
 * How one part of a block's enrichment went: done; off (the node cannot serve it, e.g. no tracer, or the
 * processor has no node); failed (the node could not answer for this block); none (nothing to read).
 */
export const EnrichmentPart = z.enum(["done", "off", "failed", "none"]);
export type EnrichmentPart = z.infer<typeof EnrichmentPart>;

/**
 * The enrichment stage's record of a block: written with the block's enrichment rows, removed with the block on a
 * reorg. A stored block without one is still being enriched.
 */
export const EnrichmentMark = z.object({
  ...InBlock,
  /** Call traces: internal transactions and contracts created by contracts. */
  traces: EnrichmentPart,
  /** Token metadata (name, symbol, decimals). */
  tokens: EnrichmentPart,
  /** DEX pools' tokens, and so swap and price details. */
  pools: EnrichmentPart,
  /** Watched addresses' balances. */
  balances: EnrichmentPart,
  enrichedAt: SafeInt,
});
export type EnrichmentMark = z.infer<typeof EnrichmentMark>;

/** What the API says of a block or transaction: enriched (with how), or still pending. */
export const EnrichmentStatus = z.union([
  z.object({ status: z.literal("pending") }),
  z.object({ status: z.literal("enriched"), mark: EnrichmentMark }),
]);
export type EnrichmentStatus = z.infer<typeof EnrichmentStatus>;
