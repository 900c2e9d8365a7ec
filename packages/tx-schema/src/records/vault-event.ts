import { z } from "zod";
import { EventLocation } from "./event-location.ts";
import { Address, Uint } from "./primitives.ts";

/**
 * An ERC-4626 vault's Deposit (assets in, shares minted to `owner`) or Withdraw (shares of `owner` burnt, assets
 * paid to `receiver`). The standard's own events, so any vault on any chain decodes the same way.
 */
export const VaultEvent = EventLocation.extend({
  kind: z.enum(["deposit", "withdraw"]),
  /** The emitting vault (its shares are the vault's own token). */
  vault: Address,
  /** Who called: paid the assets in (deposit) or redeemed (withdraw). */
  sender: Address,
  /** Whose shares were minted or burnt: the staker the position belongs to. */
  owner: Address,
  /** Who received the assets of a withdraw; null for a deposit. */
  receiver: Address.nullable(),
  assets: Uint,
  shares: Uint,
});
export type VaultEvent = z.infer<typeof VaultEvent>;
