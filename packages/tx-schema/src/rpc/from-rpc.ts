import type { z } from "zod";
import type { Block } from "../records/block.ts";
import type { Log } from "../records/log.ts";
import type { Receipt } from "../records/receipt.ts";
import { NotFast } from "../records/record-fields.ts";
import type { Transaction } from "../records/transaction.ts";
import { InvalidRpcAnswerError } from "./errors.ts";
import { fastBlock, fastReceipt, fastTransaction } from "./from-rpc-fast.ts";
import { RpcBlock, RpcReceipt, RpcTransaction } from "./rpc-schemas.ts";

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "schema mismatch";
}

/**
 * Turns what the schema accepted into records with the readers of from-rpc-fast.ts: both come from the same
 * record fields, so the readers accept it; if they ever did not, that is named rather than passed on.
 */
function readAccepted<T>(method: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof NotFast)
      throw new InvalidRpcAnswerError(method, "accepted by the schema but not by the record reader", {
        cause: error,
      });
    throw error;
  }
}

/** One `eth_getTransactionByHash`-shaped transaction, validated, as a record. */
export function transactionFromRpc(raw: unknown): Transaction {
  const parsed = RpcTransaction.safeParse(raw);
  if (!parsed.success) throw new InvalidRpcAnswerError("eth_getTransactionByHash", describe(parsed.error));
  return readAccepted("eth_getTransactionByHash", () => fastTransaction(parsed.data));
}

/** Validates an `eth_getBlockByNumber(n, true)` answer and turns it into records. */
export function blockFromRpc(raw: unknown): { block: Block; transactions: Transaction[] } {
  let read: { block: Block; transactions: Transaction[] };
  try {
    read = fastBlock(raw);
  } catch {
    // not a well-formed answer: the schemas say what is wrong (see record-fields.ts)
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

/** The reading through the zod schemas: it words what is wrong with a malformed answer. */
export function blockFromSchema(raw: unknown): { block: Block; transactions: Transaction[] } {
  const parsed = RpcBlock.safeParse(raw);
  if (!parsed.success) throw new InvalidRpcAnswerError("eth_getBlockByNumber", describe(parsed.error));
  if (parsed.data.transactions.some((t) => typeof t === "string"))
    throw new InvalidRpcAnswerError(
      "eth_getBlockByNumber",
      "transaction hashes where full objects were asked",
    );
  return readAccepted("eth_getBlockByNumber", () => fastBlock(parsed.data));
}

/** The reading of one receipt through the schemas (see blockFromSchema). */
export function receiptFromSchema(
  raw: unknown,
  method = "eth_getTransactionReceipt",
): { receipt: Receipt; logs: Log[] } {
  const parsed = RpcReceipt.safeParse(raw);
  if (!parsed.success) throw new InvalidRpcAnswerError(method, describe(parsed.error));
  return readAccepted(method, () => fastReceipt(parsed.data));
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
      read = readAccepted(method, () => fastReceipt(parsed.data));
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
