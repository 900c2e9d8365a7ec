import { z } from "zod";
import { EventLocation, SignedInt } from "./event-location.ts";
import { Address, Uint } from "./primitives.ts";

/** A Uniswap V2 or V3 (or fork) swap, enriched with the pool's tokens when they could be read. */
export const Swap = EventLocation.extend({
  protocol: z.enum(["uniswap-v2", "uniswap-v3"]),
  pool: Address,
  /** Sender of the transaction (tx.from): the account a user thinks of as "the swapper". */
  transactionFrom: Address,
  /** The event's sender (usually a router) and recipient. */
  sender: Address,
  recipient: Address,
  /** null when the pool's token0()/token1() could not be read (not a real pair, or the node refused). */
  token0: Address.nullable(),
  token1: Address.nullable(),
  /** Signed, from the pool's side: positive = paid into the pool, negative = paid out (V3's convention). */
  amount0: SignedInt,
  amount1: SignedInt,
  /**
   * Price of token0 in token1 units, decimals applied: V3 from sqrtPriceX96 after the swap, V2 from the
   * amounts exchanged. null when the tokens' decimals are unknown or an amount is zero.
   */
  price: z.number().positive().finite().nullable(),
  /** V3 only: the pool price after the swap (Q64.96), its liquidity and tick; null for V2. */
  sqrtPriceX96: Uint.nullable(),
  liquidity: Uint.nullable(),
  tick: z.number().int().nullable(),
});
export type Swap = z.infer<typeof Swap>;
