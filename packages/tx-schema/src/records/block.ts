import { z } from "zod";
import { Address, BlockRef, Hash, Hex, SafeInt, Uint } from "./primitives.ts";

export const Withdrawal = z.object({
  index: SafeInt,
  validatorIndex: SafeInt,
  address: Address,
  /** Gwei, as the node reports it. */
  amount: Uint,
});
export type Withdrawal = z.infer<typeof Withdrawal>;

/** A block header as Chainlog stores it: every field ethereum-etl exports, plus post-Cancun ones. */
export const Block = z.object({
  ...BlockRef.shape,
  parentHash: Hash,
  nonce: Hex.nullable(),
  sha3Uncles: Hash,
  logsBloom: Hex,
  transactionsRoot: Hash,
  stateRoot: Hash,
  receiptsRoot: Hash,
  miner: Address,
  difficulty: Uint,
  totalDifficulty: Uint.nullable(),
  size: SafeInt.nullable(),
  extraData: Hex,
  gasLimit: Uint,
  gasUsed: Uint,
  timestamp: SafeInt,
  transactionCount: SafeInt,
  baseFeePerGas: Uint.nullable(),
  withdrawalsRoot: Hash.nullable(),
  withdrawals: z.array(Withdrawal).nullable(),
  blobGasUsed: Uint.nullable(),
  excessBlobGas: Uint.nullable(),
  parentBeaconBlockRoot: Hash.nullable(),
});
export type Block = z.infer<typeof Block>;
