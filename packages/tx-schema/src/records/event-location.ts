import { z } from "zod";
import { Hash, SafeInt } from "./primitives.ts";

/** The block a row belongs to: number and hash, so a reorg removes the row with its block. */
export const InBlock = { blockNumber: SafeInt, blockHash: Hash };

/** The transaction a row came from, in its block. */
export const InTransaction = { ...InBlock, transactionHash: Hash, transactionIndex: SafeInt };

/** Where a decoded event happened; with logIndex it is the row's identity. */
export const EventLocation = z.object({
  ...InTransaction,
  /** Index within the block. Some providers exceed 32 bits here, so this is a safe integer, not an int32. */
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

/** A real UTC calendar day as YYYY-MM-DD (2024-02-30 is not one). */
export function isUtcDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** UTC calendar day, YYYY-MM-DD. */
export const UtcDay = z.string().refine(isUtcDay, "expected a UTC day YYYY-MM-DD");
export type UtcDay = string;

export function utcDay(timestampSeconds: number): UtcDay {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}
