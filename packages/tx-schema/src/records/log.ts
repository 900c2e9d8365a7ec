import { z } from "zod";
import { Address, Hash, Hex, SafeInt } from "./primitives.ts";

export const Log = z.object({
  blockNumber: SafeInt,
  blockHash: Hash,
  transactionHash: Hash,
  transactionIndex: SafeInt,
  /** Index within the block. Some providers exceed 32 bits here, so this is a safe integer, not an int32. */
  logIndex: SafeInt,
  address: Address,
  topics: z.array(Hash).max(4),
  data: Hex,
});
export type Log = z.infer<typeof Log>;
