import { Block, Log, Receipt, TokenTransfer, Transaction } from "@chainlog/tx-schema";
import { z } from "zod";

/** Response shapes, built from the tx-schema records so the OpenAPI document describes what is served. */
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), parameter: z.string().optional() }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const TransactionPage = pageOf(Transaction);
export const TokenTransferPage = pageOf(TokenTransfer);

export const TransactionDetailResponse = z.object({
  transaction: Transaction,
  receipt: Receipt.nullable(),
  logs: z.array(Log),
  tokenTransfers: z.array(TokenTransfer),
});

export const SearchResponse = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("block"), block: Block }),
  z.object({ kind: z.literal("transaction"), transaction: Transaction }),
  z.object({ kind: z.literal("address"), address: z.string() }),
]);

export { Block };
