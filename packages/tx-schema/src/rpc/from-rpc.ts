import type { z } from "zod";
import type { Block } from "../records/block.ts";
import type { Log } from "../records/log.ts";
import type { Receipt } from "../records/receipt.ts";
import type { Transaction } from "../records/transaction.ts";
import { InvalidRpcAnswerError } from "./errors.ts";
import { fastBlock, fastReceipt } from "./from-rpc-fast.ts";
import { quantityToDecimal as dec, quantityToSafeInt as int } from "./quantity.ts";
import { RpcBlock, RpcReceipt, type RpcTransaction } from "./rpc-schemas.ts";

type ParsedTx = z.output<typeof RpcTransaction>;
type ParsedReceipt = z.output<typeof RpcReceipt>;

const decOrNull = (q: string | null | undefined) => (q == null ? null : dec(q));

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "schema mismatch";
}

export function transactionFromRpc(tx: ParsedTx): Transaction {
  return {
    hash: tx.hash,
    blockNumber: int(tx.blockNumber, "blockNumber"),
    blockHash: tx.blockHash,
    transactionIndex: int(tx.transactionIndex, "transactionIndex"),
    from: tx.from,
    to: tx.to ?? null,
    value: dec(tx.value),
    nonce: dec(tx.nonce),
    gas: dec(tx.gas),
    gasPrice: decOrNull(tx.gasPrice),
    maxFeePerGas: decOrNull(tx.maxFeePerGas),
    maxPriorityFeePerGas: decOrNull(tx.maxPriorityFeePerGas),
    input: tx.input.toLowerCase(),
    type: tx.type == null ? 0 : int(tx.type, "type"),
    chainId: decOrNull(tx.chainId),
    accessList: tx.accessList ?? null,
    maxFeePerBlobGas: decOrNull(tx.maxFeePerBlobGas),
    blobVersionedHashes: tx.blobVersionedHashes ?? null,
    authorizationList:
      tx.authorizationList?.map((a) => ({
        chainId: dec(a.chainId),
        address: a.address,
        nonce: dec(a.nonce),
        yParity: int(a.yParity, "yParity"),
        r: a.r,
        s: a.s,
      })) ?? null,
    v: decOrNull(tx.v),
    r: tx.r ?? null,
    s: tx.s ?? null,
    yParity: tx.yParity == null ? null : int(tx.yParity, "yParity"),
  };
}

/** Validates an `eth_getBlockByNumber(n, true)` answer and turns it into records. */
export function blockFromRpc(raw: unknown): { block: Block; transactions: Transaction[] } {
  let read: { block: Block; transactions: Transaction[] };
  try {
    read = fastBlock(raw);
  } catch {
    // not a well-formed answer: the schemas say what is wrong (see from-rpc-fast.ts)
    read = blockFromSchema(raw);
  }
  const { block, transactions } = read;
  for (const [i, tx] of transactions.entries()) {
    if (tx.blockHash !== block.hash || tx.blockNumber !== block.number)
      throw new InvalidRpcAnswerError("eth_getBlockByNumber", `transaction ${i} belongs to another block`);
    if (tx.transactionIndex !== i)
      throw new InvalidRpcAnswerError(
        "eth_getBlockByNumber",
        `transaction ${i} has index ${tx.transactionIndex}`,
      );
  }
  return read;
}

/** The reference reading through the zod schemas: explains malformed answers; the fast readers must match it. */
export function blockFromSchema(raw: unknown): { block: Block; transactions: Transaction[] } {
  const parsed = RpcBlock.safeParse(raw);
  if (!parsed.success) throw new InvalidRpcAnswerError("eth_getBlockByNumber", describe(parsed.error));
  const b = parsed.data;
  const number = int(b.number, "number");
  const transactions: Transaction[] = [];
  for (const t of b.transactions) {
    if (typeof t === "string")
      throw new InvalidRpcAnswerError(
        "eth_getBlockByNumber",
        "transaction hashes where full objects were asked",
      );
    transactions.push(transactionFromRpc(t));
  }
  const block: Block = {
    number,
    hash: b.hash,
    parentHash: b.parentHash,
    nonce: b.nonce ?? null,
    sha3Uncles: b.sha3Uncles,
    logsBloom: b.logsBloom,
    transactionsRoot: b.transactionsRoot,
    stateRoot: b.stateRoot,
    receiptsRoot: b.receiptsRoot,
    miner: b.miner,
    difficulty: dec(b.difficulty),
    totalDifficulty: decOrNull(b.totalDifficulty),
    size: b.size == null ? null : int(b.size, "size"),
    extraData: b.extraData,
    gasLimit: dec(b.gasLimit),
    gasUsed: dec(b.gasUsed),
    timestamp: int(b.timestamp, "timestamp"),
    transactionCount: transactions.length,
    baseFeePerGas: decOrNull(b.baseFeePerGas),
    withdrawalsRoot: b.withdrawalsRoot ?? null,
    withdrawals:
      b.withdrawals?.map((w) => ({
        index: int(w.index, "withdrawal.index"),
        validatorIndex: int(w.validatorIndex, "withdrawal.validatorIndex"),
        address: w.address,
        amount: dec(w.amount),
      })) ?? null,
    blobGasUsed: decOrNull(b.blobGasUsed),
    excessBlobGas: decOrNull(b.excessBlobGas),
    parentBeaconBlockRoot: b.parentBeaconBlockRoot ?? null,
  };
  return { block, transactions };
}

/** The reference reading of one receipt (see blockFromSchema). */
export function receiptFromSchema(raw: unknown): { receipt: Receipt; logs: Log[] } {
  return receiptFromParsed(RpcReceipt.parse(raw));
}

function receiptFromParsed(r: ParsedReceipt): { receipt: Receipt; logs: Log[] } {
  const receipt: Receipt = {
    transactionHash: r.transactionHash,
    transactionIndex: int(r.transactionIndex, "transactionIndex"),
    blockHash: r.blockHash,
    blockNumber: int(r.blockNumber, "blockNumber"),
    from: r.from,
    to: r.to ?? null,
    cumulativeGasUsed: dec(r.cumulativeGasUsed),
    gasUsed: dec(r.gasUsed),
    effectiveGasPrice: decOrNull(r.effectiveGasPrice),
    contractAddress: r.contractAddress ?? null,
    status: r.status == null ? null : BigInt(r.status) === 1n ? 1 : 0,
    root: r.root ?? null,
    logsBloom: r.logsBloom,
    type: r.type == null ? 0 : int(r.type, "type"),
    blobGasUsed: decOrNull(r.blobGasUsed),
    blobGasPrice: decOrNull(r.blobGasPrice),
  };
  const logs: Log[] = r.logs.map((l) => ({
    blockNumber: int(l.blockNumber, "log.blockNumber"),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: int(l.transactionIndex, "log.transactionIndex"),
    logIndex: int(l.logIndex, "log.logIndex"),
    address: l.address,
    topics: l.topics,
    data: l.data.toLowerCase(),
  }));
  return { receipt, logs };
}

/**
 * Validates receipts for one block (from `eth_getBlockReceipts` or one `eth_getTransactionReceipt` per tx)
 * against that block's transactions: same count, same order, same block, logs inside the block and ascending.
 */
export function receiptsFromRpc(
  raw: unknown,
  block: Block,
  transactions: Transaction[],
  method = "eth_getBlockReceipts",
): { receipts: Receipt[]; logs: Log[] } {
  if (!Array.isArray(raw)) throw new InvalidRpcAnswerError(method, "expected an array of receipts");
  if (raw.length !== transactions.length)
    throw new InvalidRpcAnswerError(method, `${raw.length} receipts for ${transactions.length} transactions`);
  const receipts: Receipt[] = [];
  const logs: Log[] = [];
  let lastLogIndex = -1;
  for (const [i, item] of raw.entries()) {
    let read: { receipt: Receipt; logs: Log[] };
    try {
      read = fastReceipt(item);
    } catch {
      const parsed = RpcReceipt.safeParse(item);
      if (!parsed.success) throw new InvalidRpcAnswerError(method, `receipt ${i}: ${describe(parsed.error)}`);
      read = receiptFromParsed(parsed.data);
    }
    const { receipt, logs: receiptLogs } = read;
    const tx = transactions[i]!;
    if (receipt.transactionHash !== tx.hash)
      throw new InvalidRpcAnswerError(method, `receipt ${i} is for another tx`);
    if (receipt.blockHash !== block.hash || receipt.blockNumber !== block.number)
      throw new InvalidRpcAnswerError(method, `receipt ${i} belongs to another block`);
    for (const log of receiptLogs) {
      if (log.blockHash !== block.hash || log.transactionHash !== tx.hash)
        throw new InvalidRpcAnswerError(method, `a log of receipt ${i} belongs elsewhere`);
      if (log.logIndex <= lastLogIndex) throw new InvalidRpcAnswerError(method, "log indexes not ascending");
      lastLogIndex = log.logIndex;
      logs.push(log);
    }
    receipts.push(receipt);
  }
  return { receipts, logs };
}
