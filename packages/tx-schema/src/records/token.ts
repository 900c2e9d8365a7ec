import { z } from "zod";
import { Address, SafeInt } from "./primitives.ts";
import { TokenStandard } from "./token-transfer.ts";

/**
 * What a token contract says about itself, read by eth_call. Every field is nullable: non-standard tokens revert,
 * return bytes32, or return garbage, and a missing answer is better than a wrong one. Strings are cleaned (NUL and
 * control characters removed, at most 200 characters).
 */
export const TokenMetadata = z.object({
  address: Address,
  /** The standard its transfers were decoded as; null if only approvals or swaps were seen. */
  standard: TokenStandard.nullable(),
  name: z.string().max(200).nullable(),
  symbol: z.string().max(200).nullable(),
  decimals: z.number().int().min(0).max(255).nullable(),
  /** Block where Chainlog first saw the token (a transfer, approval or pool); informative. */
  firstSeenBlock: SafeInt,
});
export type TokenMetadata = z.infer<typeof TokenMetadata>;
