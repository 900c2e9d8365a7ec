import type {
  AddressBalancesResponse,
  AddressResponse,
  Approval,
  Block,
  ContractCreation,
  DailyStats,
  DailyStatsResponse,
  IngestStatus,
  InternalTransaction,
  LakeStatus,
  Log,
  Page,
  PortfolioResponse,
  PricePoint,
  ProcessorStatus,
  Receipt,
  SearchResponse,
  StatusResponse,
  Swap,
  SwapDetailsResponse,
  SwapPage,
  TokenMap,
  TokenMetadata,
  TokenResponse,
  TokenTransfer,
  Transaction,
  TransactionDetailResponse,
  WethEvent,
} from "@chainlog/tx-schema";
import { getJson } from "./client.ts";

// Type-only imports: the records' and responses' shapes come from tx-schema without bundling zod into the app.
export type {
  Approval,
  Block,
  ContractCreation,
  DailyStats,
  IngestStatus,
  InternalTransaction,
  LakeStatus,
  Log,
  Page,
  PricePoint,
  ProcessorStatus,
  Receipt,
  Swap,
  TokenMap,
  TokenMetadata,
  TokenTransfer,
  Transaction,
  WethEvent,
};
export type Portfolio = PortfolioResponse;
export type AddressBalances = AddressBalancesResponse;
export type PipelineStatus = StatusResponse;
export type Health = StatusResponse["store"];

const e = encodeURIComponent;

function pageQuery(limit: number, cursor?: string | null): string {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

export const api = {
  search: (q: string, signal?: AbortSignal) => getJson<SearchResponse>(`/v1/search?q=${e(q)}`, signal),
  latestBlock: (signal?: AbortSignal) => getJson<Block>("/v1/blocks/latest", signal),
  block: (number: number | string, signal?: AbortSignal) =>
    getJson<Block>(`/v1/blocks/${e(String(number))}`, signal),
  blockTransactions: (number: number | string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/blocks/${e(String(number))}/txs?${pageQuery(limit, cursor)}`, signal),
  transaction: (hash: string, signal?: AbortSignal) =>
    getJson<TransactionDetailResponse>(`/v1/tx/${e(hash)}`, signal),
  address: (address: string, signal?: AbortSignal) =>
    getJson<AddressResponse>(`/v1/address/${e(address)}`, signal),
  addressTransactions: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/address/${e(address)}/txs?${pageQuery(limit, cursor)}`, signal),
  addressTokenTransfers: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<TokenTransfer> & { tokens?: TokenMap }>(
      `/v1/address/${e(address)}/token-transfers?${pageQuery(limit, cursor)}`,
      signal,
    ),
  addressInternalTransactions: (
    address: string,
    limit: number,
    cursor?: string | null,
    signal?: AbortSignal,
  ) =>
    getJson<Page<InternalTransaction>>(
      `/v1/address/${e(address)}/internal-transactions?${pageQuery(limit, cursor)}`,
      signal,
    ),
  swap: (txHash: string, signal?: AbortSignal) =>
    getJson<SwapDetailsResponse>(`/v1/swaps/${e(txHash)}`, signal),
  addressSwaps: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<SwapPage>(`/v1/address/${e(address)}/swaps?${pageQuery(limit, cursor)}`, signal),
  balances: (address: string, confirm: boolean, signal?: AbortSignal) =>
    getJson<AddressBalancesResponse>(
      `/v1/address/${e(address)}/balances${confirm ? "?confirm=true" : ""}`,
      signal,
    ),
  portfolio: (address: string, signal?: AbortSignal) =>
    getJson<PortfolioResponse>(`/v1/address/${e(address)}/portfolio`, signal),
  token: (address: string, signal?: AbortSignal) =>
    getJson<TokenResponse>(`/v1/tokens/${e(address)}`, signal),
  tokenTransfers: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<TokenTransfer>>(`/v1/tokens/${e(address)}/transfers?${pageQuery(limit, cursor)}`, signal),
  tokenPrices: (address: string, quote: "USD" | "ETH", limit: number, signal?: AbortSignal) =>
    getJson<Page<PricePoint>>(
      `/v1/tokens/${e(address)}/prices?${new URLSearchParams({ quote, limit: String(limit) })}`,
      signal,
    ),
  dailyStats: (signal?: AbortSignal) => getJson<DailyStatsResponse>("/v1/stats/daily", signal),
  status: (signal?: AbortSignal) => getJson<StatusResponse>("/v1/status", signal),
};
