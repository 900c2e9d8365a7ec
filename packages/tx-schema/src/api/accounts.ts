import { z } from "zod";

/*
 * query-api's answers about the caller's own things (account, API keys, watchlists, export jobs and quotas), like
 * responses.ts: the OpenAPI document is generated from these, and clients type what they read with them.
 */
export const ApiKeyScope = z.enum(["read", "stream", "export", "account"]);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const AccountUser = z.object({ id: z.string(), email: z.string(), createdAt: z.number() });
export type AccountUser = z.infer<typeof AccountUser>;
export const UserResponse = z.object({ user: AccountUser });

/** An API key as listed: its secret is shown once, at creation (CreatedApiKeyResponse). */
export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ApiKeyScope),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;
export const ApiKeyList = z.object({ items: z.array(ApiKeyView) });
export const CreatedApiKeyResponse = z.object({ key: z.string(), apiKey: ApiKeyView });

export const WatchlistView = z.object({
  id: z.string(),
  name: z.string(),
  addresses: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WatchlistView = z.infer<typeof WatchlistView>;
export const WatchlistList = z.object({ items: z.array(WatchlistView) });

export const ExportJobView = z.object({
  id: z.string(),
  kind: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  progress: z.number(),
  error: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When a finished job and its result are deleted (milliseconds since epoch); null while it runs. */
  expiresAt: z.number().nullable(),
});
export type ExportJobView = z.infer<typeof ExportJobView>;
export const ExportJobList = z.object({ items: z.array(ExportJobView) });

const QuotaUse = z.object({ limit: z.number(), used: z.number() });
export const QuotasResponse = z.object({
  jobsActive: QuotaUse,
  jobsStored: QuotaUse,
  resultBytes: QuotaUse,
  watchlists: QuotaUse,
  watchlistAddresses: QuotaUse,
  resultTtlSeconds: z.number(),
});
export type QuotasResponse = z.infer<typeof QuotasResponse>;
