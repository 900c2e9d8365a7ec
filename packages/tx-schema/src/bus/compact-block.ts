import type { Log } from "../records/log.ts";
import type { Receipt } from "../records/receipt.ts";
import type { Transaction } from "../records/transaction.ts";
import type { BlockEnvelope } from "./envelope.ts";

/*
 * The wire form of a block message from schema version 3. A block message repeats itself: every transaction and
 * log names its block, every receipt its transaction, block, sender, recipient and type, and a receipt without
 * logs carries 256 zero bytes of bloom. Those copies were a third of the chainlog.blocks topic, written, stored
 * and parsed on the raw path. Version 3 leaves out each copy that equals what the receiver puts back, and only
 * then: a node's answer that disagrees with itself (a receipt naming another sender) travels whole and arrives
 * as it was sent. In a cluster, the Kafka topic is as much smaller.
 */

/** The bloom of a receipt without logs. */
export const EMPTY_BLOOM = `0x${"0".repeat(512)}`;

type Json = Record<string, unknown>;

/** A block message as version 3 writes it. */
export function compactBlockMessage(env: BlockEnvelope): Json {
  const { hash, number } = env.block;
  const txs = env.transactions;
  return {
    kind: env.kind,
    chainId: env.chainId,
    block: env.block,
    transactions: txs.map((tx) => compactTransaction(tx, hash, number)),
    receipts: env.receipts.map((r, i) => compactReceipt(r, txs[i], env.block)),
    logs: env.logs.map((l) => compactLog(l, txs[l.transactionIndex], hash, number)),
  };
}

function compactTransaction(tx: Transaction, hash: string, number: number): Json {
  if (tx.blockHash !== hash || tx.blockNumber !== number) return tx;
  const { blockHash: _hash, blockNumber: _number, ...rest } = tx;
  return rest;
}

/**
 * A receipt without what its transaction (in `block`) already says: its hash, index, block, sender, recipient
 * and type, and the empty bloom. What differs stays. The store keeps receipts this way beside their transaction.
 */
export function compactReceipt(
  r: Receipt,
  tx: Transaction | undefined,
  block: { hash: string; number: number },
): Json {
  if (!tx) return r;
  const { transactionHash, transactionIndex, blockHash, blockNumber, from, to, logsBloom, type, ...rest } = r;
  const out: Json = rest;
  if (transactionHash !== tx.hash) out.transactionHash = transactionHash;
  if (transactionIndex !== tx.transactionIndex) out.transactionIndex = transactionIndex;
  if (blockHash !== block.hash) out.blockHash = blockHash;
  if (blockNumber !== block.number) out.blockNumber = blockNumber;
  if (from !== tx.from) out.from = from;
  if (to !== tx.to) out.to = to;
  if (logsBloom !== EMPTY_BLOOM) out.logsBloom = logsBloom;
  if (type !== tx.type) out.type = type;
  return out;
}

function compactLog(l: Log, tx: Transaction | undefined, hash: string, number: number): Json {
  if (l.blockHash !== hash || l.blockNumber !== number || tx?.hash !== l.transactionHash) return l;
  const { blockHash: _hash, blockNumber: _number, transactionHash: _tx, ...rest } = l;
  return rest;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
/** Sets what is absent; a field present (null included) stays as sent, for the checks to judge. */
const fill = (o: Json, key: string, value: unknown) => {
  if (!(key in o) && value !== undefined) o[key] = value;
};

/** Puts back, in place, what compactReceipt left out of a receipt (JSON) of `tx` in `block`. */
export function expandReceipt<T extends Json>(r: T, tx: Json, block: Json): T {
  fill(r, "transactionHash", tx.hash);
  fill(r, "transactionIndex", tx.transactionIndex);
  fill(r, "blockHash", block.hash);
  fill(r, "blockNumber", block.number);
  fill(r, "from", tx.from);
  fill(r, "to", tx.to);
  fill(r, "type", tx.type);
  fill(r, "logsBloom", EMPTY_BLOOM);
  return r;
}

/**
 * Puts back, in place, what a version-3 block message left out, before its checks run. Anything malformed is
 * left as it is, for the checks to refuse with their own words. Other kinds of message pass unchanged.
 */
export function expandBlockMessage(json: unknown): unknown {
  if (!isObject(json) || json.kind !== "block" || !isObject(json.block)) return json;
  const { hash, number } = json.block;
  const txs = Array.isArray(json.transactions) ? json.transactions : [];
  for (const tx of txs)
    if (isObject(tx)) {
      fill(tx, "blockHash", hash);
      fill(tx, "blockNumber", number);
    }
  if (Array.isArray(json.receipts))
    for (const [i, r] of json.receipts.entries())
      if (isObject(r)) expandReceipt(r, isObject(txs[i]) ? txs[i] : {}, json.block);
  if (Array.isArray(json.logs))
    for (const l of json.logs) {
      if (!isObject(l)) continue;
      fill(l, "blockHash", hash);
      fill(l, "blockNumber", number);
      const tx = typeof l.transactionIndex === "number" ? txs[l.transactionIndex] : undefined;
      if (isObject(tx)) fill(l, "transactionHash", tx.hash);
    }
  return json;
}
