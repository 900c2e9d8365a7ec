import type { Block } from "../records/block.ts";
import type { Log } from "../records/log.ts";
import type { Receipt } from "../records/receipt.ts";
import type { Transaction } from "../records/transaction.ts";
import { NotFast } from "../rpc/from-rpc-fast.ts";
import type { BlockEnvelope } from "./envelope.ts";

/**
 * The hot path of decodeEnvelope for block messages: the checks of the zod schemas in records/ and envelope.ts
 * (same patterns, nullable rules, per-type transaction rules and bundle consistency), written out by hand. The
 * schemas cost the processor's raw stage about a sixth of its CPU. Anything not accepted here throws NotFast and
 * the caller runs the schemas, which word the error; so these checks need only never be more lenient.
 */
const no = (): never => {
  throw new NotFast();
};
const HEX = /^0x[0-9a-fA-F]*$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const UINT = /^(0|[1-9][0-9]{0,77})$/;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : no();
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : no());
const hex = (v: unknown): string => (typeof v === "string" && HEX.test(v) ? v : no());
const hash = (v: unknown): string => (typeof v === "string" && HASH.test(v) ? v.toLowerCase() : no());
const address = (v: unknown): string => (typeof v === "string" && ADDRESS.test(v) ? v.toLowerCase() : no());
const uint = (v: unknown): string => (typeof v === "string" && UINT.test(v) ? v : no());
const safeInt = (v: unknown): number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : no();
const byte = (v: unknown): number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255 ? v : no();
// nullable, not nullish: a missing field fails as in the schemas
const orNull =
  <T>(f: (v: unknown) => T) =>
  (v: unknown): T | null =>
    v === null ? null : f(v);
const hexN = orNull(hex);
const hashN = orNull(hash);
const addressN = orNull(address);
const uintN = orNull(uint);
const safeIntN = orNull(safeInt);

function block(v: unknown): Block {
  const b = obj(v);
  return {
    number: safeInt(b.number),
    hash: hash(b.hash),
    parentHash: hash(b.parentHash),
    nonce: hexN(b.nonce),
    sha3Uncles: hash(b.sha3Uncles),
    logsBloom: hex(b.logsBloom),
    transactionsRoot: hash(b.transactionsRoot),
    stateRoot: hash(b.stateRoot),
    receiptsRoot: hash(b.receiptsRoot),
    miner: address(b.miner),
    difficulty: uint(b.difficulty),
    totalDifficulty: uintN(b.totalDifficulty),
    size: safeIntN(b.size),
    extraData: hex(b.extraData),
    gasLimit: uint(b.gasLimit),
    gasUsed: uint(b.gasUsed),
    timestamp: safeInt(b.timestamp),
    transactionCount: safeInt(b.transactionCount),
    baseFeePerGas: uintN(b.baseFeePerGas),
    withdrawalsRoot: hashN(b.withdrawalsRoot),
    withdrawals:
      b.withdrawals === null
        ? null
        : arr(b.withdrawals).map((w) => {
            const e = obj(w);
            return {
              index: safeInt(e.index),
              validatorIndex: safeInt(e.validatorIndex),
              address: address(e.address),
              amount: uint(e.amount),
            };
          }),
    blobGasUsed: uintN(b.blobGasUsed),
    excessBlobGas: uintN(b.excessBlobGas),
    parentBeaconBlockRoot: hashN(b.parentBeaconBlockRoot),
  };
}

function transaction(v: unknown): Transaction {
  const t = obj(v);
  const tx: Transaction = {
    hash: hash(t.hash),
    blockNumber: safeInt(t.blockNumber),
    blockHash: hash(t.blockHash),
    transactionIndex: safeInt(t.transactionIndex),
    from: address(t.from),
    to: addressN(t.to),
    value: uint(t.value),
    nonce: uint(t.nonce),
    gas: uint(t.gas),
    gasPrice: uintN(t.gasPrice),
    maxFeePerGas: uintN(t.maxFeePerGas),
    maxPriorityFeePerGas: uintN(t.maxPriorityFeePerGas),
    input: hex(t.input),
    type: byte(t.type),
    chainId: uintN(t.chainId),
    accessList:
      t.accessList === null
        ? null
        : arr(t.accessList).map((a) => {
            const e = obj(a);
            return { address: address(e.address), storageKeys: arr(e.storageKeys).map(hash) };
          }),
    maxFeePerBlobGas: uintN(t.maxFeePerBlobGas),
    blobVersionedHashes: t.blobVersionedHashes === null ? null : arr(t.blobVersionedHashes).map(hash),
    authorizationList:
      t.authorizationList === null
        ? null
        : arr(t.authorizationList).map((a) => {
            const e = obj(a);
            return {
              chainId: uint(e.chainId),
              address: address(e.address),
              nonce: uint(e.nonce),
              yParity: safeInt(e.yParity),
              r: hex(e.r),
              s: hex(e.s),
            };
          }),
    v: uintN(t.v),
    r: hexN(t.r),
    s: hexN(t.s),
    yParity: safeIntN(t.yParity),
  };
  // the per-type rules of Transaction (records/transaction.ts)
  if (
    (tx.type === 2 || tx.type === 3 || tx.type === 4) &&
    (tx.maxFeePerGas === null || tx.maxPriorityFeePerGas === null)
  )
    no();
  if (tx.type === 3 && (tx.blobVersionedHashes === null || tx.maxFeePerBlobGas === null)) no();
  if (tx.type === 4 && tx.authorizationList === null) no();
  return tx;
}

function receipt(v: unknown): Receipt {
  const r = obj(v);
  const status = r.status;
  if (status !== null && status !== 0 && status !== 1) no();
  return {
    transactionHash: hash(r.transactionHash),
    transactionIndex: safeInt(r.transactionIndex),
    blockHash: hash(r.blockHash),
    blockNumber: safeInt(r.blockNumber),
    from: address(r.from),
    to: addressN(r.to),
    cumulativeGasUsed: uint(r.cumulativeGasUsed),
    gasUsed: uint(r.gasUsed),
    effectiveGasPrice: uintN(r.effectiveGasPrice),
    contractAddress: addressN(r.contractAddress),
    status: status as 0 | 1 | null,
    root: hashN(r.root),
    logsBloom: hex(r.logsBloom),
    type: byte(r.type),
    blobGasUsed: uintN(r.blobGasUsed),
    blobGasPrice: uintN(r.blobGasPrice),
  };
}

function log(v: unknown): Log {
  const l = obj(v);
  const topics = arr(l.topics);
  if (topics.length > 4) no();
  return {
    blockNumber: safeInt(l.blockNumber),
    blockHash: hash(l.blockHash),
    transactionHash: hash(l.transactionHash),
    transactionIndex: safeInt(l.transactionIndex),
    logIndex: safeInt(l.logIndex),
    address: address(l.address),
    topics: topics.map(hash),
    data: hex(l.data),
  };
}

/** A current-version block message as the BlockEnvelope schema would return it, or NotFast. */
export function fastBlockEnvelope(json: unknown): BlockEnvelope {
  const e = obj(json);
  if (e.kind !== "block") no();
  const chainId = e.chainId;
  if (
    typeof chainId !== "number" ||
    !Number.isInteger(chainId) ||
    chainId < 1 ||
    chainId > Number.MAX_SAFE_INTEGER
  )
    no();
  const env: BlockEnvelope = {
    kind: "block",
    chainId: chainId as number,
    block: block(e.block),
    transactions: arr(e.transactions).map(transaction),
    receipts: arr(e.receipts).map(receipt),
    logs: arr(e.logs).map(log),
  };
  // the bundle's consistency (BlockEnvelope's refinement)
  if (
    env.transactions.length !== env.block.transactionCount ||
    env.receipts.length !== env.transactions.length
  )
    no();
  for (const [i, tx] of env.transactions.entries())
    if (tx.blockHash !== env.block.hash || env.receipts[i]!.transactionHash !== tx.hash) no();
  for (const l of env.logs) if (l.blockHash !== env.block.hash) no();
  return env;
}
