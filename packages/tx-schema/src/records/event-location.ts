import { z } from "zod";
import { Hash, SafeInt } from "./primitives.ts";

/** Where a decoded event happened; with logIndex it is the row's identity. */
export const EventLocation = z.object({
  blockNumber: SafeInt,
  blockHash: Hash,
  transactionHash: Hash,
  transactionIndex: SafeInt,
  logIndex: SafeInt,
});
export type EventLocation = z.infer<typeof EventLocation>;

/** Signed 256-bit integer as a decimal string (swap amounts are signed from the pool's side). */
export const SignedInt = z
  .string()
  .regex(/^(0|-?[1-9][0-9]{0,77})$/, "expected a signed decimal integer string");
export type SignedInt = string;

/**
 * The pseudo token address that stands for the chain's native asset (ETH) in balances and prices, the
 * convention DEX aggregators use. Never a deployed contract.
 */
export const NATIVE_ASSET = "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/** UTC calendar day, YYYY-MM-DD. */
export const UtcDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a UTC day YYYY-MM-DD");
export type UtcDay = string;

export function utcDay(timestampSeconds: number): UtcDay {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}
