import { z } from "zod";
import { Address, Hash, Hex } from "../records/primitives.ts";
import { RpcQuantity } from "./quantity.ts";

const Q = RpcQuantity;
const optQ = RpcQuantity.nullish();

export const RpcTransaction = z.object({
  hash: Hash,
  blockNumber: Q,
  blockHash: Hash,
  transactionIndex: Q,
  from: Address,
  to: Address.nullish(),
  value: Q,
  nonce: Q,
  gas: Q,
  gasPrice: optQ,
  maxFeePerGas: optQ,
  maxPriorityFeePerGas: optQ,
  input: Hex,
  type: optQ,
  chainId: optQ,
  accessList: z.array(z.object({ address: Address, storageKeys: z.array(Hash) })).nullish(),
  maxFeePerBlobGas: optQ,
  blobVersionedHashes: z.array(Hash).nullish(),
  authorizationList: z
    .array(z.object({ chainId: Q, address: Address, nonce: Q, yParity: Q, r: Hex, s: Hex }))
    .nullish(),
  v: optQ,
  r: Hex.nullish(),
  s: Hex.nullish(),
  yParity: optQ,
});
export type RpcTransaction = z.input<typeof RpcTransaction>;

export const RpcBlock = z.object({
  number: Q,
  hash: Hash,
  parentHash: Hash,
  nonce: Hex.nullish(),
  sha3Uncles: Hash,
  logsBloom: Hex,
  transactionsRoot: Hash,
  stateRoot: Hash,
  receiptsRoot: Hash,
  miner: Address,
  difficulty: Q,
  totalDifficulty: optQ,
  size: optQ,
  extraData: Hex,
  gasLimit: Q,
  gasUsed: Q,
  timestamp: Q,
  baseFeePerGas: optQ,
  withdrawalsRoot: Hash.nullish(),
  withdrawals: z.array(z.object({ index: Q, validatorIndex: Q, address: Address, amount: Q })).nullish(),
  blobGasUsed: optQ,
  excessBlobGas: optQ,
  parentBeaconBlockRoot: Hash.nullish(),
  /** Full objects (eth_getBlockByNumber(n, true)); hashes alone are rejected where full ones are required. */
  transactions: z.array(z.union([RpcTransaction, Hash])),
});
export type RpcBlock = z.input<typeof RpcBlock>;

export const RpcLog = z.object({
  blockNumber: Q,
  blockHash: Hash,
  transactionHash: Hash,
  transactionIndex: Q,
  logIndex: Q,
  address: Address,
  topics: z.array(Hash).max(4),
  data: Hex,
  removed: z.boolean().optional(),
});
export type RpcLog = z.input<typeof RpcLog>;

export const RpcReceipt = z.object({
  transactionHash: Hash,
  transactionIndex: Q,
  blockHash: Hash,
  blockNumber: Q,
  from: Address,
  to: Address.nullish(),
  cumulativeGasUsed: Q,
  gasUsed: Q,
  effectiveGasPrice: optQ,
  contractAddress: Address.nullish(),
  status: optQ,
  root: Hash.nullish(),
  logsBloom: Hex,
  type: optQ,
  blobGasUsed: optQ,
  blobGasPrice: optQ,
  logs: z.array(RpcLog),
});
export type RpcReceipt = z.input<typeof RpcReceipt>;
