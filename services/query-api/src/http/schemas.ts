import {
  Address,
  Approval,
  Block,
  ContractCreation,
  DailyStats,
  Hash,
  IngestStatus,
  Log,
  PricePoint,
  ProcessorStatus,
  Receipt,
  SafeInt,
  Swap,
  TokenMetadata,
  TokenTransfer,
  Transaction,
  Uint,
  WethEvent,
} from "@chainlog/tx-schema";
import { z } from "zod";

/** Response shapes, built from the tx-schema records so the OpenAPI document describes what is served. */
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), parameter: z.string().optional() }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Metadata of every token the items reference that the store knows, keyed by lower-case address. */
export const TokenMap = z.record(z.string(), TokenMetadata);

export const TransactionPage = pageOf(Transaction);
export const TokenTransferPage = pageOf(TokenTransfer);
export const SwapPage = pageOf(Swap).extend({ tokens: TokenMap });
export const PricePointPage = pageOf(PricePoint);

export const TransactionDetailResponse = z.object({
  transaction: Transaction,
  receipt: Receipt.nullable(),
  logs: z.array(Log),
  tokenTransfers: z.array(TokenTransfer),
  swaps: z.array(Swap),
  approvals: z.array(Approval),
  wethEvents: z.array(WethEvent),
  contractCreations: z.array(ContractCreation),
  tokens: TokenMap,
});

export const SwapView = Swap.extend({
  /** From the signs: the positive amount was paid into the pool (in), the negative one out of it. */
  tokenIn: Address.nullable(),
  tokenOut: Address.nullable(),
  amountIn: Uint,
  amountOut: Uint,
});

export const SwapDetailsResponse = z.object({
  transactionHash: Hash,
  items: z.array(SwapView),
  tokens: TokenMap,
});

export const AddressResponse = z.object({
  address: Address,
  contractCreation: ContractCreation.nullable(),
  token: TokenMetadata.nullable(),
});

export const Holding = z.object({
  token: Address,
  symbol: z.string().nullable(),
  name: z.string().nullable(),
  decimals: z.number().int().nullable(),
  balance: Uint,
  amount: z.string().nullable(),
  priceUsd: z.number().nullable(),
  priceEth: z.number().nullable(),
  valueUsd: z.number().nullable(),
  blockNumber: SafeInt,
});

export const PortfolioResponse = z.object({
  address: Address,
  watched: z.boolean(),
  asOfBlock: SafeInt.nullable(),
  ethUsd: z.number().nullable(),
  totalUsd: z.number().nullable(),
  holdings: z.array(Holding),
});

export const TokenResponse = z.object({
  token: TokenMetadata,
  priceUsd: PricePoint.nullable(),
  priceEth: PricePoint.nullable(),
});

export const DailyStatsResponse = z.object({ items: z.array(DailyStats) });

const DependencyCheck = z.object({ ok: z.boolean(), detail: z.string().optional() });
export const StatusResponse = z.object({
  head: SafeInt.nullable(),
  latestStored: z.object({ number: SafeInt, hash: Hash, timestamp: SafeInt }).nullable(),
  indexLagBlocks: SafeInt.nullable(),
  ingest: z.array(IngestStatus),
  processor: z.array(ProcessorStatus),
  consumerLag: SafeInt.nullable(),
  store: DependencyCheck,
  metaStore: DependencyCheck,
  /** Milliseconds since epoch, like the reports' updatedAt. */
  generatedAt: SafeInt,
});

export const SearchResponse = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("block"), block: Block }),
  z.object({ kind: z.literal("transaction"), transaction: Transaction }),
  z.object({ kind: z.literal("address"), address: z.string() }),
  z.object({ kind: z.literal("token"), tokens: z.array(TokenMetadata) }),
]);

export { Block };
