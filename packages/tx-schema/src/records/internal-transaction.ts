import { z } from "zod";
import { InTransaction } from "./event-location.ts";
import { Address, Hex, SafeInt, Uint } from "./primitives.ts";

/** The frame types of geth's callTracer (what anvil, geth, Erigon and Reth answer), upper case as it gives them. */
export const CallType = z.enum([
  "CALL",
  "STATICCALL",
  "DELEGATECALL",
  "CALLCODE",
  "CREATE",
  "CREATE2",
  "SELFDESTRUCT",
]);
export type CallType = z.infer<typeof CallType>;

/**
 * One call frame inside a transaction (an "internal transaction"), as the node's call tracer reported it. The
 * node's values are kept as they came: a field the tracer left out (the value of a STATICCALL, everything but the
 * type of an old geth's SELFDESTRUCT) is null, never a made-up zero.
 */
export const InternalTransaction = z.object({
  ...InTransaction,
  /** Child indexes from the transaction's own call down to this frame: [] is the top call, [0, 2] its first call's third. */
  traceAddress: z.array(SafeInt),
  /** traceAddress.length: 0 for the transaction's own call. */
  depth: SafeInt,
  callType: CallType,
  /** The caller; for SELFDESTRUCT the destroyed contract. */
  from: Address.nullable(),
  /** The callee; the created contract for CREATE/CREATE2 (null when creation failed); the beneficiary for SELFDESTRUCT. */
  to: Address.nullable(),
  /** Wei, decimal. */
  value: Uint.nullable(),
  gas: Uint.nullable(),
  gasUsed: Uint.nullable(),
  /** Calldata, or init code for a CREATE. */
  input: Hex.nullable(),
  /** Return data, or the deployed code for a CREATE. */
  output: Hex.nullable(),
  /** This frame's own failure ("execution reverted", "out of gas"…), null when it did not fail. */
  error: z.string().nullable(),
  /** The decoded revert reason when the tracer gave one. */
  revertReason: z.string().nullable(),
  /** 0 when this frame or one that encloses it failed: its effects (value moved, contracts made) were undone. */
  status: z.union([z.literal(0), z.literal(1)]),
  /** How many frames this one called directly. */
  subtraces: SafeInt,
});
export type InternalTransaction = z.infer<typeof InternalTransaction>;
