import { z } from "zod";
import { Address, Hash, SafeInt, Uint } from "./primitives.ts";

/**
 * A watched address's balance of one asset at the end of a block, read from the node at that block (exact,
 * whatever moved it: gas, internal calls, rebasing). Written for each block where the balance may have changed.
 */
export const BalanceSnapshot = z.object({
  address: Address,
  /** Token contract, or NATIVE_ASSET for ETH. */
  token: Address,
  /** Raw units (wei, token base units). */
  balance: Uint,
  blockNumber: SafeInt,
  blockHash: Hash,
  timestamp: SafeInt,
});
export type BalanceSnapshot = z.infer<typeof BalanceSnapshot>;
