import type { Block } from "../records/block.ts";
import type { Log } from "../records/log.ts";
import type { Receipt } from "../records/receipt.ts";
import type { Transaction } from "../records/transaction.ts";

/**
 * The hot path of blockFromRpc / receiptsFromRpc: the same checks as the zod schemas in rpc-schemas.ts (same
 * regular expressions, same nullish rules, hashes and addresses lower-cased), written out by hand and turning the
 * answer into records in one pass. Zod builds an intermediate object per field and costs about a quarter of an
 * export's CPU. Anything these readers do not accept throws NotFast, and the caller runs the schemas, which
 * either explain the error or (never expected) accept the answer; so a malformed answer gets the same error as
 * before, and the fast readers need not be complete, only never more lenient than the schemas.
 */
export class NotFast extends Error {
  override name = "NotFast";
}
const no = (): never => {
  throw new NotFast();
};

const QTY = /^0x[0-9a-fA-F]{1,64}$/;
const HEX = /^0x[0-9a-fA-F]*$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : no();
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : no());

function qty(v: unknown): string {
  return typeof v === "string" && QTY.test(v) ? v : no();
}
/** Quantities of up to 13 hex digits are exact as doubles: no BigInt needed. */
function dec(v: unknown): string {
  const q = qty(v);
  return q.length <= 15 ? String(Number(q)) : BigInt(q).toString(10);
}
const decOrNull = (v: unknown): string | null => (v == null ? null : dec(v));
function int(v: unknown, field: string): number {
  const q = qty(v);
  if (q.length <= 15) return Number(q);
  const n = BigInt(q);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${field} ${q} exceeds 2^53`);
  return Number(n);
}
const hex = (v: unknown): string => (typeof v === "string" && HEX.test(v) ? v : no());
const hexOrNull = (v: unknown): string | null => (v == null ? null : hex(v));
const hash = (v: unknown): string => (typeof v === "string" && HASH.test(v) ? v.toLowerCase() : no());
const hashOrNull = (v: unknown): string | null => (v == null ? null : hash(v));
const address = (v: unknown): string => (typeof v === "string" && ADDRESS.test(v) ? v.toLowerCase() : no());
const addressOrNull = (v: unknown): string | null => (v == null ? null : address(v));

function transaction(t: Obj): Transaction {
  return {
    hash: hash(t.hash),
    blockNumber: int(t.blockNumber, "blockNumber"),
    blockHash: hash(t.blockHash),
    transactionIndex: int(t.transactionIndex, "transactionIndex"),
    from: address(t.from),
    to: addressOrNull(t.to),
    value: dec(t.value),
    nonce: dec(t.nonce),
    gas: dec(t.gas),
    gasPrice: decOrNull(t.gasPrice),
    maxFeePerGas: decOrNull(t.maxFeePerGas),
    maxPriorityFeePerGas: decOrNull(t.maxPriorityFeePerGas),
    input: hex(t.input).toLowerCase(),
    type: t.type == null ? 0 : int(t.type, "type"),
    chainId: decOrNull(t.chainId),
    accessList:
      t.accessList == null
        ? null
        : arr(t.accessList).map((a) => {
            const e = obj(a);
            return { address: address(e.address), storageKeys: arr(e.storageKeys).map(hash) };
          }),
    maxFeePerBlobGas: decOrNull(t.maxFeePerBlobGas),
    blobVersionedHashes: t.blobVersionedHashes == null ? null : arr(t.blobVersionedHashes).map(hash),
    authorizationList:
      t.authorizationList == null
        ? null
        : arr(t.authorizationList).map((a) => {
            const e = obj(a);
            return {
              chainId: dec(e.chainId),
              address: address(e.address),
              nonce: dec(e.nonce),
              yParity: int(e.yParity, "yParity"),
              r: hex(e.r),
              s: hex(e.s),
            };
          }),
    v: decOrNull(t.v),
    r: hexOrNull(t.r),
    s: hexOrNull(t.s),
    yParity: t.yParity == null ? null : int(t.yParity, "yParity"),
  };
}

/**
 * An `eth_getBlockByNumber(n, true)` answer as records, without the cross-checks (the caller makes them). A
 * transaction given as a bare hash throws NotFast: the schema path words that error.
 */
export function fastBlock(raw: unknown): { block: Block; transactions: Transaction[] } {
  const b = obj(raw);
  const transactions = arr(b.transactions).map((t) => transaction(obj(t)));
  const block: Block = {
    number: int(b.number, "number"),
    hash: hash(b.hash),
    parentHash: hash(b.parentHash),
    nonce: hexOrNull(b.nonce),
    sha3Uncles: hash(b.sha3Uncles),
    logsBloom: hex(b.logsBloom),
    transactionsRoot: hash(b.transactionsRoot),
    stateRoot: hash(b.stateRoot),
    receiptsRoot: hash(b.receiptsRoot),
    miner: address(b.miner),
    difficulty: dec(b.difficulty),
    totalDifficulty: decOrNull(b.totalDifficulty),
    size: b.size == null ? null : int(b.size, "size"),
    extraData: hex(b.extraData),
    gasLimit: dec(b.gasLimit),
    gasUsed: dec(b.gasUsed),
    timestamp: int(b.timestamp, "timestamp"),
    transactionCount: transactions.length,
    baseFeePerGas: decOrNull(b.baseFeePerGas),
    withdrawalsRoot: hashOrNull(b.withdrawalsRoot),
    withdrawals:
      b.withdrawals == null
        ? null
        : arr(b.withdrawals).map((w) => {
            const e = obj(w);
            return {
              index: int(e.index, "withdrawal.index"),
              validatorIndex: int(e.validatorIndex, "withdrawal.validatorIndex"),
              address: address(e.address),
              amount: dec(e.amount),
            };
          }),
    blobGasUsed: decOrNull(b.blobGasUsed),
    excessBlobGas: decOrNull(b.excessBlobGas),
    parentBeaconBlockRoot: hashOrNull(b.parentBeaconBlockRoot),
  };
  return { block, transactions };
}

function log(raw: unknown): Log {
  const l = obj(raw);
  const topics = arr(l.topics);
  if (topics.length > 4 || (l.removed !== undefined && typeof l.removed !== "boolean")) no();
  return {
    blockNumber: int(l.blockNumber, "log.blockNumber"),
    blockHash: hash(l.blockHash),
    transactionHash: hash(l.transactionHash),
    transactionIndex: int(l.transactionIndex, "log.transactionIndex"),
    logIndex: int(l.logIndex, "log.logIndex"),
    address: address(l.address),
    topics: topics.map(hash),
    data: hex(l.data).toLowerCase(),
  };
}

/** One receipt (of `eth_getBlockReceipts` or `eth_getTransactionReceipt`) and its logs, as records. */
export function fastReceipt(raw: unknown): { receipt: Receipt; logs: Log[] } {
  const r = obj(raw);
  const status = r.status == null ? null : qty(r.status);
  const receipt: Receipt = {
    transactionHash: hash(r.transactionHash),
    transactionIndex: int(r.transactionIndex, "transactionIndex"),
    blockHash: hash(r.blockHash),
    blockNumber: int(r.blockNumber, "blockNumber"),
    from: address(r.from),
    to: addressOrNull(r.to),
    cumulativeGasUsed: dec(r.cumulativeGasUsed),
    gasUsed: dec(r.gasUsed),
    effectiveGasPrice: decOrNull(r.effectiveGasPrice),
    contractAddress: addressOrNull(r.contractAddress),
    status: status === null ? null : BigInt(status) === 1n ? 1 : 0,
    root: hashOrNull(r.root),
    logsBloom: hex(r.logsBloom),
    type: r.type == null ? 0 : int(r.type, "type"),
    blobGasUsed: decOrNull(r.blobGasUsed),
    blobGasPrice: decOrNull(r.blobGasPrice),
  };
  return { receipt, logs: arr(r.logs).map(log) };
}
