import { z } from "zod";
import type { RateLimit } from "./http/rate-limit.ts";

/** query-api's own knobs; everything has a default so tests and `pnpm start` need none. */
export interface ApiSettings {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Origins allowed by CORS; empty means CORS stays off (same-origin only). */
  corsOrigins: string[];
  /** Trust X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  /** Per client IP, for requests without an API key. perSecond 0 disables. */
  ipRateLimit: RateLimit;
  /** Per client IP for sign-up and login only (password guessing). perSecond 0 disables. */
  authRateLimit: RateLimit;
  /** Per API key. perSecond 0 disables. */
  keyRateLimit: RateLimit;
  /** Set the Secure attribute on the session cookie (behind HTTPS). */
  cookieSecure: boolean;
  sessionTtlMs: number;
  /** Recent live events kept for Last-Event-ID resume. */
  streamRingSize: number;
  /** Bytes a stream client may have unsent before it is disconnected as too slow. */
  streamClientBufferBytes: number;
  streamMaxClients: number;
  /** Partitions of the processed topic if query-api is the first to create it (BUS_PARTITIONS). */
  busPartitions: number;
  /** Run queued export jobs in this process (main.ts only). */
  exportWorker: boolean;
}

export const defaultSettings: ApiSettings = {
  bodyLimit: 64 * 1024,
  corsOrigins: [],
  trustProxy: false,
  ipRateLimit: { perSecond: 200, burst: 2000 },
  keyRateLimit: { perSecond: 500, burst: 5000 },
  authRateLimit: { perSecond: 0.2, burst: 20 },
  cookieSecure: false,
  sessionTtlMs: 7 * 24 * 3600 * 1000,
  streamRingSize: 2000,
  streamClientBufferBytes: 1024 * 1024,
  streamMaxClients: 1000,
  busPartitions: 8,
  exportWorker: true,
};

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z.enum(["true", "false", "1", "0"]).transform((s) => s === "true" || s === "1");

const SettingsEnv = z.object({
  API_BODY_LIMIT: int(1024).optional(),
  API_CORS_ORIGINS: z.string().optional(),
  API_TRUST_PROXY: bool.optional(),
  API_RATE_LIMIT_IP_RPS: int(0).optional(),
  API_RATE_LIMIT_IP_BURST: int(1).optional(),
  API_RATE_LIMIT_KEY_RPS: int(0).optional(),
  API_RATE_LIMIT_AUTH_PER_MINUTE: int(0).optional(),
  API_RATE_LIMIT_AUTH_BURST: int(1).optional(),
  API_RATE_LIMIT_KEY_BURST: int(1).optional(),
  API_COOKIE_SECURE: bool.optional(),
  API_SESSION_TTL_HOURS: int(1).optional(),
  API_STREAM_RING_SIZE: int(0).optional(),
  API_STREAM_CLIENT_BUFFER_BYTES: int(1024).optional(),
  API_STREAM_MAX_CLIENTS: int(1).optional(),
  API_EXPORT_WORKER: bool.optional(),
});

export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Reads the API_* variables (empty counts as unset); see ROUTES.md / the README for the list. */
export function settingsFromEnv(env: Record<string, string | undefined>): ApiSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("API_") && v));
  const parsed = SettingsEnv.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const d = defaultSettings;
  return {
    bodyLimit: e.API_BODY_LIMIT ?? d.bodyLimit,
    corsOrigins: (e.API_CORS_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: e.API_TRUST_PROXY ?? d.trustProxy,
    ipRateLimit: {
      perSecond: e.API_RATE_LIMIT_IP_RPS ?? d.ipRateLimit.perSecond,
      burst: e.API_RATE_LIMIT_IP_BURST ?? d.ipRateLimit.burst,
    },
    keyRateLimit: {
      perSecond: e.API_RATE_LIMIT_KEY_RPS ?? d.keyRateLimit.perSecond,
      burst: e.API_RATE_LIMIT_KEY_BURST ?? d.keyRateLimit.burst,
    },
    authRateLimit: {
      perSecond:
        e.API_RATE_LIMIT_AUTH_PER_MINUTE === undefined
          ? d.authRateLimit.perSecond
          : e.API_RATE_LIMIT_AUTH_PER_MINUTE / 60,
      burst: e.API_RATE_LIMIT_AUTH_BURST ?? d.authRateLimit.burst,
    },
    cookieSecure: e.API_COOKIE_SECURE ?? d.cookieSecure,
    sessionTtlMs: e.API_SESSION_TTL_HOURS ? e.API_SESSION_TTL_HOURS * 3600_000 : d.sessionTtlMs,
    streamRingSize: e.API_STREAM_RING_SIZE ?? d.streamRingSize,
    streamClientBufferBytes: e.API_STREAM_CLIENT_BUFFER_BYTES ?? d.streamClientBufferBytes,
    streamMaxClients: e.API_STREAM_MAX_CLIENTS ?? d.streamMaxClients,
    busPartitions: d.busPartitions,
    exportWorker: e.API_EXPORT_WORKER ?? d.exportWorker,
  };
}
