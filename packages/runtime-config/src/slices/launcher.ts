import { z } from "zod";
import { doc, port, trueFalse } from "../env-values.ts";

/** What `chainlog start` alone reads: the lake switch and the devnet it starts when no node is given. */
export const LauncherSlice = z.object({
  LAKE: doc(trueFalse("true"), "whether `chainlog start` runs the lake sink"),
  DEVNET_PORT: doc(port.optional(), "the devnet's RPC port", "8545, or a free port when taken"),
  DEVNET_BLOCK_TIME: doc(
    z.coerce.number().min(0).max(3600).default(1),
    "seconds between devnet blocks (0: one per transaction)",
  ),
  DEVNET_TX_PER_SECOND: doc(
    z.coerce.number().min(0).max(10_000).default(20),
    "the workload generator's rate",
  ),
});
