import type { Block, Log, Receipt, TokenTransfer, Transaction } from "@chainlog/tx-schema";
import { getJson } from "./client.ts";

// Type-only imports: the records' shapes come from tx-schema without bundling zod into the app.
export type { Block, Log, Receipt, TokenTransfer, Transaction };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TransactionDetail {
  transaction: Transaction;
  receipt: Receipt | null;
  logs: Log[];
  tokenTransfers: TokenTransfer[];
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
  | { kind: "address"; address: string };

export const api = {
  search: (q: string, signal?: AbortSignal) => getJson<SearchResult>(`/v1/search?q=${e(q)}`, signal),
  latestBlock: (signal?: AbortSignal) => getJson<Block>("/v1/blocks/latest", signal),
  block: (number: number | string, signal?: AbortSignal) =>
    getJson<Block>(`/v1/blocks/${e(String(number))}`, signal),
  blockTransactions: (number: number | string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/blocks/${e(String(number))}/txs?${pageQuery(limit, cursor)}`, signal),
  transaction: (hash: string, signal?: AbortSignal) =>
    getJson<TransactionDetail>(`/v1/tx/${e(hash)}`, signal),
  addressTransactions: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<Transaction>>(`/v1/address/${e(address)}/txs?${pageQuery(limit, cursor)}`, signal),
  addressTokenTransfers: (address: string, limit: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<Page<TokenTransfer>>(
      `/v1/address/${e(address)}/token-transfers?${pageQuery(limit, cursor)}`,
      signal,
    ),
};
