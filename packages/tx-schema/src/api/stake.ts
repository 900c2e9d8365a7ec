import { z } from "zod";
import { SignedInt } from "../records/event-location.ts";
import { Address, Uint } from "../records/primitives.ts";
import { VaultEvent } from "../records/vault-event.ts";
import { pageOf, TokenMap } from "./responses.ts";

/** A staker's ERC-4626 events, newest first, with the metadata of the vaults and their assets. */
export const VaultEventPage = pageOf(VaultEvent).extend({ tokens: TokenMap });
export type VaultEventPage = z.infer<typeof VaultEventPage>;

/**
 * One vault position summed from the indexed Deposit/Withdraw events of its owner, valued by the vault's own
 * convertToAssets at `blockNumber`.
 */
export const StakePosition = z.object({
  vault: Address,
  asset: Address,
  /** Shares minted minus shares burnt for this owner (shares moved by a plain transfer are not counted). */
  shares: Uint,
  /** What the shares redeem for now, in the asset's smallest unit. */
  value: Uint,
  deposited: Uint,
  withdrawn: Uint,
  /** value + withdrawn − deposited: what staking earned so far (negative if the vault lost value). */
  rewards: SignedInt,
  /** Events the position is summed from, and the newest one's block. */
  events: z.number().int(),
  lastBlockNumber: z.number().int(),
});
export type StakePosition = z.infer<typeof StakePosition>;

export const StakePositionsResponse = z.object({
  address: Address,
  /** The node's block the values are at; null when there is no position to value. */
  blockNumber: z.number().int().nullable(),
  /** Open positions first, then closed ones (shares 0, rewards realised), by vault. */
  items: z.array(StakePosition),
  tokens: TokenMap,
});
export type StakePositionsResponse = z.infer<typeof StakePositionsResponse>;
