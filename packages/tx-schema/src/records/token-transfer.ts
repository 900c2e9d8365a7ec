import { z } from "zod";
import { EventLocation } from "./event-location.ts";
import { Address, SafeInt, Uint } from "./primitives.ts";

export const TokenStandard = z.enum(["erc20", "erc721", "erc1155"]);
export type TokenStandard = z.infer<typeof TokenStandard>;

export const TokenTransfer = z.object({
  standard: TokenStandard,
  token: Address,
  from: Address,
  to: Address,
  /** Amount moved; 1 for an ERC-721 transfer. */
  value: Uint,
  /** null for ERC-20. */
  tokenId: Uint.nullable(),
  /** ERC-1155 operator; null otherwise. */
  operator: Address.nullable(),
  ...EventLocation.shape,
  /** Position inside an ERC-1155 TransferBatch; 0 for everything else. Part of the row's identity. */
  batchIndex: SafeInt,
});
export type TokenTransfer = z.infer<typeof TokenTransfer>;
