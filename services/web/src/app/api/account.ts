import { getJson, requestJson } from "./client.ts";

export interface User {
  id: string;
  email: string;
  createdAt: number;
}

export interface Watchlist {
  id: string;
  name: string;
  addresses: string[];
  createdAt: number;
  updatedAt: number;
}

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Job {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

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
