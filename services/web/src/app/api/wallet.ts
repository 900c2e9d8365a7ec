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
  transactionHash: string;
}

export interface RpcAnswer {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export const walletApi = {
  get: (signal?: AbortSignal) => getJson<WalletRecord>("/v1/wallet", signal),
  /** Only the encrypted keystore goes to the server. */
  put: (keystore: V3Keystore) => requestJson<WalletRecord>("PUT", "/v1/wallet", { keystore }),
  faucet: () =>
    requestJson<{ address: string; chainId: number; grants: FaucetGrant[] }>("POST", "/v1/wallet/faucet"),
  lookup: (email: string, signal?: AbortSignal) =>
    getJson<{ email: string; address: string }>(
      `/v1/wallet/lookup?email=${encodeURIComponent(email)}`,
      signal,
    ),
  rpc: (id: number, method: string, params: unknown[]) =>
    requestJson<RpcAnswer>("POST", "/v1/rpc", { jsonrpc: "2.0", id, method, params }),
};
