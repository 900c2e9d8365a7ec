import { z } from "zod";
import { EventLocation } from "./event-location.ts";
import { Address, Uint } from "./primitives.ts";

/** WETH-style Deposit (wrap) or Withdrawal (unwrap). */
export const WethEvent = EventLocation.extend({
  kind: z.enum(["deposit", "withdrawal"]),
  /** The emitting contract: Deposit/Withdrawal(address,uint256) is also used by non-WETH contracts. */
  token: Address,
  account: Address,
  value: Uint,
});
export type WethEvent = z.infer<typeof WethEvent>;
