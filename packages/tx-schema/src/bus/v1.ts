import { z } from "zod";
import { Block } from "../records/block.ts";
import { Log } from "../records/log.ts";
import { BlockRef, ChainId } from "../records/primitives.ts";
import { Receipt } from "../records/receipt.ts";
import { TransactionFields } from "../records/transaction.ts";
import type { BusEnvelope } from "./envelope.ts";

/*
 * Schema version 1: the pre-Dencun layout. Blocks had no blob-gas or beacon-root fields, transactions no blob or
 * 7702 fields, receipts no blob gas, and there was no finality message. Kept so old bus data stays readable.
 */
const BlockV1 = Block.omit({ blobGasUsed: true, excessBlobGas: true, parentBeaconBlockRoot: true });
const TransactionV1 = TransactionFields.omit({
  maxFeePerBlobGas: true,
  blobVersionedHashes: true,
  authorizationList: true,
});
const ReceiptV1 = Receipt.omit({ blobGasUsed: true, blobGasPrice: true });

const EnvelopeV1 = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("block"),
    chainId: ChainId,
    block: BlockV1,
    transactions: z.array(TransactionV1),
    receipts: z.array(ReceiptV1),
    logs: z.array(Log),
  }),
  z.object({ kind: z.literal("rollback"), chainId: ChainId, block: BlockRef, commonAncestor: BlockRef }),
]);

/** Parses a version-1 message and upgrades it to the current shape (absent fields become null). */
export function upgradeV1(json: unknown): unknown {
  const v1 = EnvelopeV1.parse(json);
  if (v1.kind === "rollback") return v1;
  const upgraded: BusEnvelope = {
    ...v1,
    block: { ...v1.block, blobGasUsed: null, excessBlobGas: null, parentBeaconBlockRoot: null },
    transactions: v1.transactions.map((t) => ({
      ...t,
      maxFeePerBlobGas: null,
      blobVersionedHashes: null,
      authorizationList: null,
    })),
    receipts: v1.receipts.map((r) => ({ ...r, blobGasUsed: null, blobGasPrice: null })),
  };
  return upgraded;
}
