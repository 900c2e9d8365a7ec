import { z } from "zod";
import { Address, Byte, Hash, Hex, SafeInt, TxStatus, Uint } from "./primitives.ts";

export const Receipt = z.object({
  transactionHash: Hash,
  transactionIndex: SafeInt,
  blockHash: Hash,
  blockNumber: SafeInt,
  from: Address,
  to: Address.nullable(),
  cumulativeGasUsed: Uint,
  gasUsed: Uint,
  effectiveGasPrice: Uint.nullable(),
  contractAddress: Address.nullable(),
  /** 1 success, 0 revert; null before Byzantium, where `root` is set instead. */
  status: TxStatus.nullable(),
  root: Hash.nullable(),
  logsBloom: Hex,
  type: Byte,
  blobGasUsed: Uint.nullable(),
  blobGasPrice: Uint.nullable(),
});
export type Receipt = z.infer<typeof Receipt>;
