import type { AccountUser, ExportJobView, WatchlistView } from "@chainlog/tx-schema";
import { getJson, requestJson } from "./client.ts";

// The API's own answer types (tx-schema), under the names the pages use.
export type User = AccountUser;
export type Watchlist = WatchlistView;
export type Job = ExportJobView;

export const accountApi = {
  me: (signal?: AbortSignal) => getJson<{ user: User }>("/v1/auth/me", signal),
  signup: (email: string, password: string) =>
    requestJson<{ user: User }>("POST", "/v1/auth/signup", { email, password }),
  login: (email: string, password: string) =>
    requestJson<{ user: User }>("POST", "/v1/auth/login", { email, password }),
  logout: () => requestJson<void>("POST", "/v1/auth/logout"),

  watchlists: (signal?: AbortSignal) => getJson<{ items: Watchlist[] }>("/v1/watchlists", signal),
  createWatchlist: (name: string, addresses: string[]) =>
    requestJson<Watchlist>("POST", "/v1/watchlists", { name, addresses }),
  updateWatchlist: (id: string, patch: { name?: string; addresses?: string[] }) =>
    requestJson<Watchlist>("PATCH", `/v1/watchlists/${encodeURIComponent(id)}`, patch),
  deleteWatchlist: (id: string) => requestJson<void>("DELETE", `/v1/watchlists/${encodeURIComponent(id)}`),

  jobs: (signal?: AbortSignal) => getJson<{ items: Job[] }>("/v1/jobs", signal),
  createExport: (address: string, format: "csv" | "json") =>
    requestJson<Job>("POST", "/v1/jobs", { kind: "export_address_txs", params: { address, format } }),
  cancelJob: (id: string) => requestJson<Job>("POST", `/v1/jobs/${encodeURIComponent(id)}/cancel`),
  jobResultUrl: (id: string) => `/v1/jobs/${encodeURIComponent(id)}/result`,
};
