import type {
  Approval,
  Block,
  ContractCreation,
  DailyStats,
  IngestStatus,
  Log,
  PricePoint,
  ProcessorStatus,
  Receipt,
  Swap,
  TokenMetadata,
  TokenTransfer,
  Transaction,
  WethEvent,
} from "@chainlog/tx-schema";
import { getJson } from "./client.ts";

// Type-only imports: the records' shapes come from tx-schema without bundling zod into the app.
export type {
  Approval,
  Block,
  ContractCreation,
  DailyStats,
  IngestStatus,
  Log,
  PricePoint,
  ProcessorStatus,
  Receipt,
  Swap,
  TokenMetadata,
  TokenTransfer,
  Transaction,
  WethEvent,
};

/** Metadata of the tokens a response references, by lower-case address (for symbols and decimals). */
export type TokenMap = Record<string, TokenMetadata>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TransactionDetail {
  transaction: Transaction;
  receipt: Receipt | null;
  logs: Log[];
  tokenTransfers: TokenTransfer[];
  // Optional: a query-api older than the derived records answers without them.
  swaps?: Swap[];
  approvals?: Approval[];
  wethEvents?: WethEvent[];
  contractCreations?: ContractCreation[];
  tokens?: TokenMap;
}

export interface AddressInfo {
  address: string;
  contractCreation: ContractCreation | null;
  token: TokenMetadata | null;
}

export interface Holding {
  /** Token contract, or NATIVE_ASSET for ETH. */
  token: string;
  symbol: string | null;
  name: string | null;
  decimals: number | null;
  balance: string;
  /** Decimal string with decimals applied; null when the decimals are unknown. */
  amount: string | null;
  priceUsd: number | null;
  priceEth: number | null;
  valueUsd: number | null;
  blockNumber: number;
}

export interface Portfolio {
  address: string;
  watched: boolean;
  asOfBlock: number | null;
  ethUsd: number | null;
  totalUsd: number | null;
  holdings: Holding[];
}

export interface TokenView {
  token: TokenMetadata;
  priceUsd: PricePoint | null;
  priceEth: PricePoint | null;
}

export interface Health {
  ok: boolean;
  detail?: string;
}

export interface PipelineStatus {
  head: number | null;
  latestStored: { number: number; hash: string; timestamp: number } | null;
  indexLagBlocks: number | null;
  ingest: IngestStatus[];
  processor: ProcessorStatus[];
  consumerLag: number | null;
  store: Health;
  metaStore: Health;
  generatedAt: number;
}

const e = encodeURIComponent;

function pageQuery(limit: number, cursor?: string | null): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

export type SearchResult =
  | { kind: "block"; block: Block }
  | { kind: "transaction"; transaction: Transaction }
  | { kind: "address"; address: string }
  | { kind: "token"; tokens: TokenMetadata[] };

export const api = {
  search: (q: string, signal?: AbortSignal) => getJson<SearchResult>(`/v1/search?q=${e(q)}`, signal),
  latestBlock: (signal?: AbortSignal) => getJson<Block>("/v1/blocks/latest", signal),
  block: (number: number | string, signal?: AbortSignal) =>
    getJson<Block>(`/v1/blocks/${e(String(number))}`, signal),
  blockTransactions: (number: number | string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/blocks/${e(String(number))}/txs?${pageQuery(limit, cursor)}`, signal),
  transaction: (hash: string, signal?: AbortSignal) =>
    getJson<TransactionDetail>(`/v1/tx/${e(hash)}`, signal),
  address: (address: string, signal?: AbortSignal) =>
    getJson<AddressInfo>(`/v1/address/${e(address)}`, signal),
  addressTransactions: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/address/${e(address)}/txs?${pageQuery(limit, cursor)}`, signal),
  addressTokenTransfers: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<TokenTransfer> & { tokens?: TokenMap }>(
      `/v1/address/${e(address)}/token-transfers?${pageQuery(limit, cursor)}`,
      signal,
    ),
  addressSwaps: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Swap> & { tokens: TokenMap }>(
      `/v1/address/${e(address)}/swaps?${pageQuery(limit, cursor)}`,
      signal,
    ),
  portfolio: (address: string, signal?: AbortSignal) =>
    getJson<Portfolio>(`/v1/address/${e(address)}/portfolio`, signal),
  token: (address: string, signal?: AbortSignal) => getJson<TokenView>(`/v1/tokens/${e(address)}`, signal),
  tokenTransfers: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<TokenTransfer>>(`/v1/tokens/${e(address)}/transfers?${pageQuery(limit, cursor)}`, signal),
  tokenPrices: (address: string, quote: "USD" | "ETH", limit: number, signal?: AbortSignal) =>
    getJson<Page<PricePoint>>(
      `/v1/tokens/${e(address)}/prices?${new URLSearchParams({ quote, limit: String(limit) })}`,
      signal,
    ),
  dailyStats: (signal?: AbortSignal) => getJson<{ items: DailyStats[] }>("/v1/stats/daily", signal),
  status: (signal?: AbortSignal) => getJson<PipelineStatus>("/v1/status", signal),
};
