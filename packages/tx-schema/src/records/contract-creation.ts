import { z } from "zod";
import { InTransaction } from "./event-location.ts";
import { Address } from "./primitives.ts";

/** A contract deployed by a transaction: at top level (receipt) or by CREATE/CREATE2 inside a call (trace). */
export const ContractCreation = z.object({
  address: Address,
  /** The account that executed the CREATE: tx.from for a top-level deployment, the factory for a trace. */
  creator: Address,
  ...InTransaction,
  source: z.enum(["receipt", "trace"]),
});
export type ContractCreation = z.infer<typeof ContractCreation>;
