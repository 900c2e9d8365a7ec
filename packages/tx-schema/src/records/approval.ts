import { z } from "zod";
import { EventLocation } from "./event-location.ts";
import { Address, Uint } from "./primitives.ts";

/** ERC-20 Approval, ERC-721 single-token Approval, or ApprovalForAll (ERC-721/1155 operator). */
export const Approval = EventLocation.extend({
  /** erc20: allowance `value`; erc721: approval of `tokenId`; operator: ApprovalForAll with `approved`. */
  kind: z.enum(["erc20", "erc721", "operator"]),
  token: Address,
  owner: Address,
  spender: Address,
  value: Uint.nullable(),
  tokenId: Uint.nullable(),
  approved: z.boolean().nullable(),
});
export type Approval = z.infer<typeof Approval>;
