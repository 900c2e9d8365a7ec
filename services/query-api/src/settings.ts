import { slices, type TrustProxy } from "@chainlog/runtime-config";
import { ChainlogError } from "@chainlog/tx-schema";
import type { RateLimit } from "./http/rate-limit.ts";

export type { TrustProxy };

/** query-api's own knobs; everything has a default so tests and `pnpm start` need none. */
export interface ApiSettings {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Origins allowed by CORS; empty means CORS stays off (same-origin only). */
  corsOrigins: string[];
  trustProxy: TrustProxy;
  /** Per client, for requests without an API key. perSecond 0 disables. */
  ipRateLimit: RateLimit;
  /** Per client for sign-up and login attempts (password guessing). perSecond 0 disables. */
  authRateLimit: RateLimit;
  /** Per account and client for login attempts: one client cannot lock another out. perSecond 0 disables. */
  loginRateLimit: RateLimit;
  /** Per API key. perSecond 0 disables. */
  keyRateLimit: RateLimit;
  /**
   * Whether clients reach the API over HTTPS: "auto" believes the protocol the request arrived with (TLS here, or
   * X-Forwarded-Proto from a trusted proxy), "always" when TLS ends at something that does not say so.
   * Decides the session cookie's Secure flag and Strict-Transport-Security.
   */
  https: "auto" | "always" | "never";
  sessionTtlMs: number;
  /** scrypt cost as log2(N), r = 8, p = 1. Stored hashes of a lower cost are replaced at the next login. */
  passwordCost: number;
  /** Recent live events kept for Last-Event-ID resume. */
  streamRingSize: number;
  /** Bytes a stream client may have unsent before it is disconnected as too slow. */
  streamClientBufferBytes: number;
  streamMaxClients: number;
  /** Live streams one API key (or, without a key, one client address) may hold open. */
  streamsPerClient: number;
  /** Per-user quotas. */
  quotas: {
    jobsActive: number;
    jobsStored: number;
    resultBytes: number;
    watchlists: number;
    watchlistAddresses: number;
  };
  /** Finished jobs and their results are deleted this long after they finished. */
  jobResultTtlMs: number;
  /** Server timeouts: request headers, the whole request (headers and body), an idle socket, a handler. */
  timeouts: { headersMs: number; requestMs: number; idleMs: number; handlerMs: number };
  /** Open connections one client address may hold (trusted proxies exempt: they carry many clients). */
  maxConnectionsPerClient: number;
  /** Partitions of the processed topic if query-api is the first to create it (BUS_PARTITIONS). */
  busPartitions: number;
  /** Run queued export jobs in this process (main.ts only). */
  exportWorker: boolean;
  /** The wallet's node access: calls per user through POST /v1/rpc, and its largest request body. */
  relayRateLimit: RateLimit;
  relayBodyLimit: number;
  /** Blocks on top of a wallet's transaction before the page calls it final (API_WALLET_CONFIRMATIONS). */
  walletConfirmations: number;
  /** E-mail → wallet lookups per user: an account must not be able to enumerate who uses Chainlog. */
  walletLookupRateLimit: RateLimit;
  /**
   * The devnet faucet: it funds only on these chain ids (the node is asked), once per wallet, with `eth` ether
   * and `tokenUnits` whole units of each of `tokens` (devnet ERC-20s with an open mint), and one token of each of
   * `nfts` (devnet ERC-721s with an open mint).
   */
  faucet: { chainIds: number[]; eth: number; tokens: string[]; tokenUnits: number; nfts: string[] };
  /** Uniswap-V2 pairs quoted by /v1/swap/quote, and the router the page's swaps go through. */
  swap: { pairs: string[]; router: string | null };
  /** How long an address's ETH balance (node) and summed transfers are reused (an address page polled by many). */
  balanceCacheMs: number;
  /** ERC-4626 vaults the wallet page stakes into. */
  stakeVaults: string[];
}

export const defaultSettings: ApiSettings = {
  bodyLimit: 64 * 1024,
  corsOrigins: [],
  trustProxy: false,
  ipRateLimit: { perSecond: 200, burst: 2000 },
  keyRateLimit: { perSecond: 500, burst: 5000 },
  authRateLimit: { perSecond: 0.2, burst: 20 },
  loginRateLimit: { perSecond: 5 / 60, burst: 10 },
  https: "auto",
  sessionTtlMs: 7 * 24 * 3600 * 1000,
  passwordCost: 17,
  streamRingSize: 2000,
  streamClientBufferBytes: 1024 * 1024,
  streamMaxClients: 1000,
  streamsPerClient: 10,
  quotas: {
    jobsActive: 3,
    jobsStored: 50,
    resultBytes: 256 * 1024 * 1024,
    watchlists: 20,
    watchlistAddresses: 2000,
  },
  jobResultTtlMs: 7 * 24 * 3600 * 1000,
  timeouts: { headersMs: 10_000, requestMs: 30_000, idleMs: 60_000, handlerMs: 30_000 },
  maxConnectionsPerClient: 64,
  busPartitions: 8,
  exportWorker: true,
  relayRateLimit: { perSecond: 10, burst: 100 },
  relayBodyLimit: 256 * 1024,
  walletLookupRateLimit: { perSecond: 1 / 60, burst: 20 },
  walletConfirmations: 12,
  faucet: { chainIds: [31337], eth: 10, tokens: [], tokenUnits: 1000, nfts: [] },
  swap: { pairs: [], router: null },
  balanceCacheMs: 2_000,
  stakeVaults: [],
};

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export class SettingsError extends ChainlogError {
  override name = "SettingsError";
}

/** Reads the API_* variables of query-api's slice (empty counts as unset); `chainlog config` lists them. */
export function settingsFromEnv(env: Record<string, string | undefined>): ApiSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("API_") && v));
  const parsed = slices["query-api"].safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingsError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const d = defaultSettings;
  const perMinute = (value: number | undefined, fallback: number) =>
    value === undefined ? fallback : value / 60;
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
      perSecond: perMinute(e.API_RATE_LIMIT_AUTH_PER_MINUTE, d.authRateLimit.perSecond),
      burst: e.API_RATE_LIMIT_AUTH_BURST ?? d.authRateLimit.burst,
    },
    loginRateLimit: {
      perSecond: perMinute(e.API_RATE_LIMIT_LOGIN_PER_MINUTE, d.loginRateLimit.perSecond),
      burst: e.API_RATE_LIMIT_LOGIN_BURST ?? d.loginRateLimit.burst,
    },
    https: e.API_HTTPS ?? d.https,
    sessionTtlMs: e.API_SESSION_TTL_HOURS ? e.API_SESSION_TTL_HOURS * 3600_000 : d.sessionTtlMs,
    passwordCost: d.passwordCost,
    streamRingSize: e.API_STREAM_RING_SIZE ?? d.streamRingSize,
    streamClientBufferBytes: e.API_STREAM_CLIENT_BUFFER_BYTES ?? d.streamClientBufferBytes,
    streamMaxClients: e.API_STREAM_MAX_CLIENTS ?? d.streamMaxClients,
    streamsPerClient: e.API_STREAMS_PER_CLIENT ?? d.streamsPerClient,
    quotas: {
      jobsActive: e.API_QUOTA_JOBS_ACTIVE ?? d.quotas.jobsActive,
      jobsStored: e.API_QUOTA_JOBS_STORED ?? d.quotas.jobsStored,
      resultBytes: e.API_QUOTA_RESULT_BYTES ?? d.quotas.resultBytes,
      watchlists: e.API_QUOTA_WATCHLISTS ?? d.quotas.watchlists,
      watchlistAddresses: e.API_QUOTA_WATCHLIST_ADDRESSES ?? d.quotas.watchlistAddresses,
    },
    jobResultTtlMs: e.API_JOB_RESULT_TTL_HOURS ? e.API_JOB_RESULT_TTL_HOURS * 3600_000 : d.jobResultTtlMs,
    timeouts: {
      headersMs: e.API_HEADERS_TIMEOUT_MS ?? d.timeouts.headersMs,
      requestMs: e.API_REQUEST_TIMEOUT_MS ?? d.timeouts.requestMs,
      idleMs: e.API_IDLE_TIMEOUT_MS ?? d.timeouts.idleMs,
      handlerMs: e.API_HANDLER_TIMEOUT_MS ?? d.timeouts.handlerMs,
    },
    maxConnectionsPerClient: e.API_MAX_CONNECTIONS_PER_CLIENT ?? d.maxConnectionsPerClient,
    busPartitions: d.busPartitions,
    exportWorker: e.API_EXPORT_WORKER ?? d.exportWorker,
    relayRateLimit: {
      perSecond: e.API_RELAY_RPS ?? d.relayRateLimit.perSecond,
      burst: e.API_RELAY_BURST ?? d.relayRateLimit.burst,
    },
    relayBodyLimit: e.API_RELAY_BODY_LIMIT ?? d.relayBodyLimit,
    walletConfirmations: e.API_WALLET_CONFIRMATIONS ?? d.walletConfirmations,
    walletLookupRateLimit: {
      perSecond:
        e.API_WALLET_LOOKUPS_PER_HOUR === undefined
          ? d.walletLookupRateLimit.perSecond
          : e.API_WALLET_LOOKUPS_PER_HOUR / 3600,
      burst: e.API_WALLET_LOOKUP_BURST ?? d.walletLookupRateLimit.burst,
    },
    faucet: {
      chainIds: e.API_FAUCET_CHAIN_IDS ? list(e.API_FAUCET_CHAIN_IDS).map(Number) : d.faucet.chainIds,
      eth: e.API_FAUCET_ETH ?? d.faucet.eth,
      tokens: e.API_FAUCET_TOKENS ? list(e.API_FAUCET_TOKENS).map((a) => a.toLowerCase()) : d.faucet.tokens,
      tokenUnits: e.API_FAUCET_TOKEN_UNITS ?? d.faucet.tokenUnits,
      nfts: e.API_FAUCET_NFTS ? list(e.API_FAUCET_NFTS).map((a) => a.toLowerCase()) : d.faucet.nfts,
    },
    swap: {
      pairs: e.API_SWAP_PAIRS ? list(e.API_SWAP_PAIRS).map((a) => a.toLowerCase()) : d.swap.pairs,
      router: e.API_SWAP_ROUTER?.toLowerCase() ?? d.swap.router,
    },
    balanceCacheMs: e.API_BALANCE_CACHE_MS ?? d.balanceCacheMs,
    stakeVaults: e.API_STAKE_VAULTS ? list(e.API_STAKE_VAULTS).map((a) => a.toLowerCase()) : d.stakeVaults,
  };
}
