import { z } from "zod";
import { doc, port } from "../env-values.ts";
import { TrustProxySchema } from "../trust-proxy.ts";

const int = (min: number) => z.coerce.number().int().min(min);
const addressList = z.string().regex(/^\s*(0x[0-9a-fA-F]{40}\s*(,\s*0x[0-9a-fA-F]{40}\s*)*)?$/, {
  error: "must be a comma-separated list of 0x addresses",
});
const bool = z.enum(["true", "false", "1", "0"]).transform((s) => s === "true" || s === "1");

/**
 * What query-api alone reads (besides the shared, node and adapter slices). The API_* knobs' defaults live in
 * query-api's defaultSettings, so each is optional here and says its default in words.
 */
export const QueryApiSlice = z.object({
  API_HOST: doc(z.string().default("127.0.0.1"), "where the REST API listens"),
  API_PORT: doc(port.default(4000), "the REST API's port"),
  CHAINLOG_EXPORT_BUCKET: doc(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name")
      .optional(),
    "export results go to s3://<bucket>/exports/<user>/<job>/ instead of the metadata store",
  ),
  API_CORS_ORIGINS: doc(z.string().optional(), "comma-separated origins allowed by CORS", "none (CORS off)"),
  API_TRUST_PROXY: doc(
    TrustProxySchema.optional(),
    "proxies whose X-Forwarded-For/-Proto to believe: false, a hop count 1..9, or addresses/CIDRs",
    "false",
  ),
  API_HTTPS: doc(
    z.enum(["auto", "always", "never"]).optional(),
    "whether clients reach the API over HTTPS (session cookie's Secure flag, HSTS)",
    "auto",
  ),
  API_COOKIE_SECURE: doc(
    z
      .string()
      .refine(() => false, { error: "was replaced by API_HTTPS (auto, always or never)" })
      .optional(),
    "refused: replaced by API_HTTPS",
  ),
  API_EXPORT_WORKER: doc(bool.optional(), "run queued export jobs in this process", "true"),
  API_FAUCET_CHAIN_IDS: doc(
    z
      .string()
      .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, { error: "must be a comma-separated list of chain ids" })
      .optional(),
    "chain ids the devnet faucet funds on",
    "31337",
  ),
  API_FAUCET_ETH: doc(
    z.coerce.number().min(0).max(1000).optional(),
    "ether the faucet sends per wallet",
    "10",
  ),
  API_FAUCET_TOKENS: doc(addressList.optional(), "devnet ERC-20s (open mint) the faucet mints", "none"),
  API_FAUCET_TOKEN_UNITS: doc(int(0).optional(), "whole units of each faucet token", "1000"),
  API_FAUCET_NFTS: doc(addressList.optional(), "devnet ERC-721s (open mint) the faucet mints one of", "none"),
  API_SWAP_PAIRS: doc(addressList.optional(), "Uniswap-V2 pairs quoted by /v1/swap/quote", "none"),
  API_SWAP_ROUTER: doc(
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, { error: "must be a 0x address" })
      .optional(),
    "the router the wallet page's swaps go through",
    "none",
  ),
  API_STAKE_VAULTS: doc(addressList.optional(), "ERC-4626 vaults the wallet page stakes into", "none"),
  API_BODY_LIMIT: doc(int(1024).optional(), "largest request body in bytes (413 beyond)", "65536"),
  API_RATE_LIMIT_IP_RPS: doc(int(0).optional(), "requests per second per client without an API key", "200"),
  API_RATE_LIMIT_IP_BURST: doc(int(1).optional(), "burst per client without an API key", "2000"),
  API_RATE_LIMIT_KEY_RPS: doc(int(0).optional(), "requests per second per API key", "500"),
  API_RATE_LIMIT_KEY_BURST: doc(int(1).optional(), "burst per API key", "5000"),
  API_RATE_LIMIT_AUTH_PER_MINUTE: doc(
    int(0).optional(),
    "sign-up and login attempts per minute per client",
    "12",
  ),
  API_RATE_LIMIT_AUTH_BURST: doc(int(1).optional(), "burst of sign-up and login attempts per client", "20"),
  API_RATE_LIMIT_LOGIN_PER_MINUTE: doc(
    int(0).optional(),
    "login attempts per minute per account and client",
    "5",
  ),
  API_RATE_LIMIT_LOGIN_BURST: doc(int(1).optional(), "burst of login attempts per account and client", "10"),
  API_SESSION_TTL_HOURS: doc(int(1).optional(), "how long a login session lasts", "168"),
  API_STREAM_RING_SIZE: doc(int(0).optional(), "recent live events kept for Last-Event-ID resume", "2000"),
  API_STREAM_CLIENT_BUFFER_BYTES: doc(
    int(1024).optional(),
    "bytes a stream client may have unsent before it is disconnected",
    "1048576",
  ),
  API_STREAM_MAX_CLIENTS: doc(int(1).optional(), "live streams open at once", "1000"),
  API_STREAMS_PER_CLIENT: doc(int(1).optional(), "live streams one API key or client address may hold", "10"),
  API_QUOTA_JOBS_ACTIVE: doc(int(1).optional(), "export jobs a user may have queued or running", "3"),
  API_QUOTA_JOBS_STORED: doc(int(1).optional(), "export jobs a user may keep", "50"),
  API_QUOTA_RESULT_BYTES: doc(int(1024).optional(), "bytes of export results a user may keep", "268435456"),
  API_QUOTA_WATCHLISTS: doc(int(1).optional(), "watchlists per user", "20"),
  API_QUOTA_WATCHLIST_ADDRESSES: doc(int(1).optional(), "addresses per user across watchlists", "2000"),
  API_JOB_RESULT_TTL_HOURS: doc(
    int(1).optional(),
    "finished jobs and their results are deleted after",
    "168",
  ),
  API_HEADERS_TIMEOUT_MS: doc(int(1000).optional(), "time to receive a request's headers", "10000"),
  API_REQUEST_TIMEOUT_MS: doc(int(1000).optional(), "time to receive a whole request", "30000"),
  API_IDLE_TIMEOUT_MS: doc(int(1000).optional(), "an idle keep-alive socket is closed after", "60000"),
  API_HANDLER_TIMEOUT_MS: doc(int(1000).optional(), "time a handler may take", "30000"),
  API_MAX_CONNECTIONS_PER_CLIENT: doc(
    int(1).optional(),
    "open connections one client address may hold (trusted proxies exempt)",
    "64",
  ),
  API_RELAY_RPS: doc(int(0).optional(), "wallet node calls per second per user through POST /v1/rpc", "10"),
  API_RELAY_BURST: doc(int(1).optional(), "burst of wallet node calls per user", "100"),
  API_RELAY_BODY_LIMIT: doc(int(1024).optional(), "largest POST /v1/rpc body in bytes", "262144"),
  API_WALLET_LOOKUPS_PER_HOUR: doc(int(0).optional(), "e-mail → wallet lookups per user per hour", "60"),
  API_WALLET_LOOKUP_BURST: doc(int(1).optional(), "burst of e-mail → wallet lookups per user", "20"),
  API_WALLET_CONFIRMATIONS: doc(
    int(1).optional(),
    "blocks on top of a wallet's transaction before the page calls it final",
    "12",
  ),
  API_BALANCE_CACHE_MS: doc(int(0).optional(), "how long an address's balances are reused", "2000"),
});
