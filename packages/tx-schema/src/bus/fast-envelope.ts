import { Block } from "../records/block.ts";
import { Log } from "../records/log.ts";
import { ADDRESS_PATTERN, HASH_PATTERN, HEX_PATTERN, UINT_PATTERN } from "../records/primitives.ts";
import { Receipt } from "../records/receipt.ts";
import {
  asArray,
  asObject,
  notFast,
  type Read,
  type ReadRules,
  recordFields,
  recordReader,
} from "../records/record-fields.ts";
import { type Transaction, TransactionFields } from "../records/transaction.ts";
import type { BlockEnvelope } from "./envelope.ts";

/**
 * The hot path of decodeEnvelope for block messages: the checks of the zod schemas in records/ and envelope.ts
 * (same patterns, nullable rules, per-type transaction rules and bundle consistency) made by hand. The schemas
 * cost the processor's raw stage about a sixth of its CPU. Anything not accepted here throws NotFast and the
 * caller runs the schemas, which word the error (see record-fields.ts).
 */
const test =
  (pattern: RegExp): Read =>
  (v) =>
    typeof v === "string" && pattern.test(v) ? v : notFast();
const testLower =
  (pattern: RegExp): Read =>
  (v) =>
    typeof v === "string" && pattern.test(v) ? v.toLowerCase() : notFast();
const integer =
  (max: number): Read =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max ? v : notFast();
const READS: Record<Parameters<ReadRules["scalar"]>[0], Read> = {
  int: integer(Number.MAX_SAFE_INTEGER),
  byte: integer(255),
  uint: test(UINT_PATTERN),
  hex: test(HEX_PATTERN),
  hash: testLower(HASH_PATTERN),
  address: testLower(ADDRESS_PATTERN),
  status: (v) => (v === 0 || v === 1 ? v : notFast()),
};
const record: ReadRules = {
  scalar: (kind) => READS[kind],
  // nullable, not nullish: a missing field fails as in the schemas
  orNull: (read) => (v) => (v === null ? null : read(v)),
};

const block = recordReader(recordFields(Block.shape), record) as (v: unknown) => Block;
const readTransaction = recordReader(recordFields(TransactionFields.shape), record) as (
  v: unknown,
) => Transaction;
const receipt = recordReader(recordFields(Receipt.shape), record) as (v: unknown) => Receipt;
const log = recordReader(recordFields(Log.shape), record) as (v: unknown) => Log;

function transaction(v: unknown): Transaction {
  const tx = readTransaction(v);
  // the per-type rules of Transaction (records/transaction.ts)
  if (
    (tx.type === 2 || tx.type === 3 || tx.type === 4) &&
    (tx.maxFeePerGas === null || tx.maxPriorityFeePerGas === null)
  )
    notFast();
  if (tx.type === 3 && (tx.blobVersionedHashes === null || tx.maxFeePerBlobGas === null)) notFast();
  if (tx.type === 4 && tx.authorizationList === null) notFast();
  return tx;
}

/** The envelopes' chainId: a positive safe integer, or NotFast. */
function chainIdOf(e: Record<string, unknown>): number {
  const chainId = e.chainId;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId < 1) notFast();
  return chainId as number;
}

/** A current-version block message as the BlockEnvelope schema would return it, or NotFast. */
export function fastBlockEnvelope(json: unknown): BlockEnvelope {
  const e = asObject(json);
  if (e.kind !== "block") notFast();
  const chainId = chainIdOf(e);
  const env: BlockEnvelope = {
    kind: "block",
    chainId,
    block: block(e.block),
    transactions: asArray(e.transactions).map(transaction),
    receipts: asArray(e.receipts).map(receipt),
    logs: asArray(e.logs).map(log),
  };
  // the bundle's consistency (BlockEnvelope's refinement)
  if (
    env.transactions.length !== env.block.transactionCount ||
    env.receipts.length !== env.transactions.length
  )
    notFast();
  for (const [i, tx] of env.transactions.entries())
    if (tx.blockHash !== env.block.hash || env.receipts[i]!.transactionHash !== tx.hash) notFast();
  for (const l of env.logs) if (l.blockHash !== env.block.hash) notFast();
  return env;
}
