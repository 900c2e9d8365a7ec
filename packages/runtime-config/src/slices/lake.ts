import { z } from "zod";
import { doc } from "../env-values.ts";

/** Where the lake is: read by the lake sink, query-api (its models) and `chainlog sql`/`models`. */
export const LakeDirSlice = z.object({
  LAKE_DIR: doc(
    z.string().min(1).optional(),
    "the lake folder, or s3://bucket/prefix",
    "<CHAINLOG_DATA_DIR>/lake",
  ),
});

/** The lake sink's own knobs. */
export const LakeSinkSlice = z.object({
  // 64 ≈ two epochs on Ethereum mainnet, and REORG_DEPTH's default: the deepest reorg ingest repairs.
  LAKE_CONFIRMATIONS: doc(
    z.coerce.number().int().min(0).max(100_000).default(64),
    "a block is final, and written, once this many stored blocks follow it (12 on `pnpm start`'s devnet)",
  ),
  LAKE_BLOCKS_PER_PART: doc(
    z.coerce.number().int().min(1).max(1_000_000).default(1000),
    "most blocks in one part file; a day's parts are merged once the day is final",
  ),
  LAKE_FLUSH_MS: doc(
    z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    "while fewer than LAKE_BLOCKS_PER_PART final blocks wait, a part is written this often",
  ),
});
