import type { StakePositionsResponse, VaultEventPage } from "@chainlog/tx-schema";
import type { V3Keystore } from "../wallet/keystore.ts";
import { getJson, requestJson } from "./client.ts";

export interface WalletRecord {
  address: string;
  keystore: V3Keystore;
  createdAt: number;
  updatedAt: number;
}

export interface FaucetGrant {
  asset: string;
  amount: string;
  /** The ERC-721 token minted to the wallet. */
  tokenId?: string;
  transactionHash: string;
}

export interface RpcAnswer {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface SwapQuote {
  pair: string;
  router: string | null;
  tokenIn: string;
  tokenOut: string;
  amountIn: string;
  amountOut: string;
  minimumOut: string;
  slippageBps: number;
  reserveIn: string;
  reserveOut: string;
  priceImpact: number;
  blockNumber: number;
}

export const walletApi = {
  /** Positions summed by the index from the vaults' Deposit/Withdraw events, valued at the node's head. */
  stakePositions: (address: string, signal?: AbortSignal) =>
    getJson<StakePositionsResponse>(`/v1/address/${address}/stake`, signal),
  stakeEvents: (address: string, signal?: AbortSignal) =>
    getJson<VaultEventPage>(`/v1/address/${address}/stake/events?limit=20`, signal),
  stakeVaults: (signal?: AbortSignal) =>
    getJson<{ items: { vault: string; asset: string }[] }>("/v1/stake/vaults", signal),
  swapPairs: (signal?: AbortSignal) =>
    getJson<{ router: string | null; items: { pair: string; token0: string; token1: string }[] }>(
      "/v1/swap/pairs",
      signal,
    ),
  quote: (
    q: { tokenIn: string; tokenOut: string; amountIn: string; slippageBps: number },
    signal?: AbortSignal,
  ) =>
    getJson<SwapQuote>(
      `/v1/swap/quote?${new URLSearchParams({ ...q, slippageBps: String(q.slippageBps) })}`,
      signal,
    ),
  get: (signal?: AbortSignal) => getJson<WalletRecord>("/v1/wallet", signal),
  /** Blocks on top of a transaction before the activity calls it final. */
  finality: () => getJson<{ confirmations: number }>("/v1/wallet/finality"),
  /** Only the encrypted keystore goes to the server (a first wallet: replacing one needs its address). */
  put: (keystore: V3Keystore) => requestJson<WalletRecord>("PUT", "/v1/wallet", { keystore }),
  faucet: () =>
    requestJson<{ address: string; chainId: number; grants: FaucetGrant[] }>("POST", "/v1/wallet/faucet"),
  lookup: (email: string, signal?: AbortSignal) =>
    getJson<{ email: string; address: string | null }>(
      `/v1/wallet/lookup?email=${encodeURIComponent(email)}`,
      signal,
    ),
  rpc: (id: number, method: string, params: unknown[]) =>
    requestJson<RpcAnswer>("POST", "/v1/rpc", { jsonrpc: "2.0", id, method, params }),
};
