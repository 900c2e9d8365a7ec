import { z } from "zod";
import { Block } from "../records/block.ts";
import { Log } from "../records/log.ts";
import { Address, Hash, Hex } from "../records/primitives.ts";
import { Receipt } from "../records/receipt.ts";
import { type RecordField, recordFields, type ScalarKind } from "../records/record-fields.ts";
import { TransactionFields } from "../records/transaction.ts";
import { RpcQuantity } from "./quantity.ts";

/**
 * The node's JSON-RPC answers, derived field by field from the records they become (record-fields.ts): numbers
 * are 0x-hex quantities, and what a record keeps as null a node may omit.
 */
const RPC_SCALARS: Record<ScalarKind, z.ZodType> = {
  int: RpcQuantity,
  uint: RpcQuantity,
  byte: RpcQuantity,
  status: RpcQuantity,
  hash: Hash,
  address: Address,
  hex: Hex,
};

function rpcField(f: RecordField): z.ZodType {
  let schema = Array.isArray(f.kind) ? z.object(rpcShape(f.kind)) : RPC_SCALARS[f.kind];
  if (f.list) schema = f.max === undefined ? z.array(schema) : z.array(schema).max(f.max);
  // an absent transaction type is a legacy (type 0) transaction
  return f.nullable || f.kind === "byte" ? schema.nullish() : schema;
}

function rpcShape(fields: RecordField[]): z.ZodRawShape {
  return Object.fromEntries(fields.map((f) => [f.key, rpcField(f)]));
}

export const RpcTransaction = z.object(rpcShape(recordFields(TransactionFields.shape)));
export type RpcTransaction = z.input<typeof RpcTransaction>;

export const RpcBlock = z.object({
  // the count is the record's own summary of the transactions below
  ...rpcShape(recordFields(Block.shape).filter((f) => f.key !== "transactionCount")),
  /** Full objects (eth_getBlockByNumber(n, true)); hashes alone are rejected where full ones are required. */
  transactions: z.array(z.union([RpcTransaction, Hash])),
});
export type RpcBlock = z.input<typeof RpcBlock>;

export const RpcLog = z.object({ ...rpcShape(recordFields(Log.shape)), removed: z.boolean().optional() });
export type RpcLog = z.input<typeof RpcLog>;

export const RpcReceipt = z.object({ ...rpcShape(recordFields(Receipt.shape)), logs: z.array(RpcLog) });
export type RpcReceipt = z.input<typeof RpcReceipt>;
