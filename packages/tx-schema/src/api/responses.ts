import { z } from "zod";
import { Approval } from "../records/approval.ts";
import { Block } from "../records/block.ts";
import { DailyStats } from "../records/block-stats.ts";
import { ContractCreation } from "../records/contract-creation.ts";
import { EnrichmentPart, EnrichmentStatus } from "../records/enrichment.ts";
import { InternalTransaction } from "../records/internal-transaction.ts";
import { Log } from "../records/log.ts";
import { PricePoint } from "../records/price-point.ts";
import { Address, Hash, SafeInt, Uint } from "../records/primitives.ts";
import { Receipt } from "../records/receipt.ts";
import {
  FeatureOffStatus,
  IngestStatus,
  LakeStatus,
  PermanentErrorStatus,
  ProcessorStatus,
  TracesStatus,
} from "../records/service-status.ts";
import { Swap } from "../records/swap.ts";
import { TokenMetadata } from "../records/token.ts";
import { TokenTransfer } from "../records/token-transfer.ts";
import { Transaction } from "../records/transaction.ts";
import { WethEvent } from "../records/weth-event.ts";

/*
 * query-api's response bodies, built from the records: the OpenAPI document is generated from these, and the web
 * app (and any TypeScript client) types what it reads with the same definitions.
 */
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
export const InternalTransactionPage = pageOf(InternalTransaction);

/**
 * Whether a block's call traces are in: done (its internal transactions are listed), none (nothing to trace), off
 * (the node has no tracer, or traces are turned off), failed (the node could not trace it), or pending (the
 * enrichment stage has not reached it yet).
 */
export const TraceState = z.enum([...EnrichmentPart.options, "pending"]);
export type TraceState = z.infer<typeof TraceState>;

export const TransactionDetailResponse = z.object({
  transaction: Transaction,
  receipt: Receipt.nullable(),
  logs: z.array(Log),
  tokenTransfers: z.array(TokenTransfer),
  swaps: z.array(Swap),
  approvals: z.array(Approval),
  wethEvents: z.array(WethEvent),
  contractCreations: z.array(ContractCreation),
  /** The calls the transaction made (depth ≥ 1) in trace order, once its block is traced (see `traces`). */
  internalTransactions: z.array(InternalTransaction),
  /** Whether internalTransactions is the whole story: "done", or why not (pending, off, failed). */
  traces: TraceState,
  tokens: TokenMap,
  /** Whether the enrichment stage has finished this transaction's block (swap details, traces, balances). */
  enrichment: EnrichmentStatus,
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

/** A fungible holding of any address (ETH or ERC-20), from the node (ETH) or the indexed transfers. */
export const AddressHolding = Holding.extend({
  /** Raw units, signed: transfers out of a balance received before the indexed range make it negative. */
  balance: z.string().regex(/^-?(0|[1-9][0-9]*)$/),
  /** "node": read at `blockNumber`; "transfers": the sum of indexed transfers up to `blockNumber`. */
  source: z.enum(["node", "transfers"]),
  /** balanceOf at the node's latest block, when asked for with confirm=true (null: the call failed). */
  confirmed: z.object({ balance: Uint, blockNumber: SafeInt }).nullable().optional(),
});

/** ERC-721 / ERC-1155 tokens an address holds by the indexed transfers. */
export const NftHolding = z.object({
  token: Address,
  standard: z.enum(["erc721", "erc1155"]),
  tokenId: Uint,
  balance: z.string().regex(/^-?(0|[1-9][0-9]*)$/),
  symbol: z.string().nullable(),
  name: z.string().nullable(),
  confirmed: z.object({ balance: Uint, blockNumber: SafeInt }).nullable().optional(),
});

export const AddressBalancesResponse = z.object({
  address: Address,
  /**
   * The indexed range the token holdings are complete over; fromBlock > 0: "since block fromBlock". `pending`:
   * a holdings backfill is still filling these older heights (their transfers are not all counted yet).
   */
  indexed: z
    .object({
      fromBlock: SafeInt,
      toBlock: SafeInt,
      fromGenesis: z.boolean(),
      pending: z.object({ fromBlock: SafeInt, toBlock: SafeInt }).optional(),
    })
    .nullable(),
  /** The address holds more than one answer lists (a very busy address): the first holdings by token. */
  truncated: z.boolean(),
  ethUsd: z.number().nullable(),
  totalUsd: z.number().nullable(),
  holdings: z.array(AddressHolding),
  nfts: z.array(NftHolding),
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
  /**
   * From the lowest stored block: every block below `raw` is stored, every block below `enriched` enriched too;
   * `highest` is the highest stored. The head alone says nothing of the heights below it.
   */
  heights: z.object({ lowest: SafeInt, raw: SafeInt, enriched: SafeInt, highest: SafeInt }).nullable(),
  /** What the nodes refuse for good (and so is off), and their permanent answers, over ingest and processors. */
  featuresOff: z.array(FeatureOffStatus.extend({ service: z.enum(["ingest", "processor"]) })),
  permanentErrors: z.array(PermanentErrorStatus.extend({ service: z.enum(["ingest", "processor"]) })),
  /** Whether the enrichment stage reads call traces, and why not; null when no processor reported. */
  traces: TracesStatus.nullable(),
  ingest: z.array(IngestStatus),
  processor: z.array(ProcessorStatus),
  /** The lake sink's reports: its position and lag behind the final height. */
  lake: z.array(LakeStatus).optional(),
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

export type ErrorResponse = z.infer<typeof ErrorResponse>;
export type TokenMap = z.infer<typeof TokenMap>;
export type TransactionPage = z.infer<typeof TransactionPage>;
export type InternalTransactionPage = z.infer<typeof InternalTransactionPage>;
export type TokenTransferPage = z.infer<typeof TokenTransferPage>;
export type SwapPage = z.infer<typeof SwapPage>;
export type PricePointPage = z.infer<typeof PricePointPage>;
export type TransactionDetailResponse = z.infer<typeof TransactionDetailResponse>;
export type SwapView = z.infer<typeof SwapView>;
export type SwapDetailsResponse = z.infer<typeof SwapDetailsResponse>;
export type AddressResponse = z.infer<typeof AddressResponse>;
export type Holding = z.infer<typeof Holding>;
export type PortfolioResponse = z.infer<typeof PortfolioResponse>;
export type TokenResponse = z.infer<typeof TokenResponse>;
export type AddressHolding = z.infer<typeof AddressHolding>;
export type NftHolding = z.infer<typeof NftHolding>;
export type AddressBalancesResponse = z.infer<typeof AddressBalancesResponse>;
export type DailyStatsResponse = z.infer<typeof DailyStatsResponse>;
export type StatusResponse = z.infer<typeof StatusResponse>;
export type SearchResponse = z.infer<typeof SearchResponse>;
/** A page of items with the cursor of the next one (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
