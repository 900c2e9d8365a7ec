import { z } from "zod";
import { doc, leaseDuration, port, sinceDuration } from "../env-values.ts";

const count = z.coerce.number().int().min(0);

/** What ingest alone reads (besides the shared, node and adapter slices). */
export const IngestSlice = z.object({
  CHAIN_ID: doc(
    z.coerce.number().int().positive().optional(),
    "when set, checked against every endpoint's eth_chainId",
  ),
  ETH_WS_URL: doc(
    z.string().url().optional(),
    "optional newHeads subscription that wakes head following (polling runs regardless)",
  ),
  INGEST_HTTP_HOST: doc(
    z.string().default("127.0.0.1"),
    "where /healthz, /readyz and /metrics listen (containers use 0.0.0.0)",
  ),
  INGEST_HTTP_PORT: doc(port.default(9101), "port of /healthz, /readyz and /metrics"),
  // Every ingest replica of a chain competes for the lease; only the holder publishes. Renewed every third of it.
  CHAINLOG_LEADER_LEASE: doc(
    leaseDuration.default(15_000),
    "leader lease: a standby takes over within this after the leader dies (off: no election)",
    "15s",
  ),
  REORG_DEPTH: doc(
    count.min(1).default(64),
    "blocks of parent-hash history kept to detect and repair reorgs; deeper ones stop ingest",
  ),
  MAX_LAG: doc(count.default(5), "an endpoint this many blocks behind the best one leaves the rotation"),
  INGEST_FROM: doc(
    z.union([z.literal("latest"), count]).optional(),
    "first block, or latest (--from)",
    "0 without a cursor",
  ),
  INGEST_TO: doc(count.optional(), "last block of a bounded backfill (--to)", "follow the head"),
  INGEST_SINCE: doc(sinceDuration.optional(), "e.g. 180d, 12h: start block found by timestamp (--since)"),
  INGEST_BATCH_BLOCKS: doc(count.min(1).max(1000).default(10), "blocks per JSON-RPC batch"),
  INGEST_MAX_CONCURRENCY: doc(
    count.min(1).max(256).default(16),
    "upper bound of each endpoint's adaptive number of requests in flight",
  ),
  INGEST_POLL_MS: doc(count.min(10).default(500), "head polling interval"),
  INGEST_STUCK_AFTER_S: doc(
    count.min(1).default(60),
    "/readyz fails after this long without progress while behind the head",
  ),
  RPC_TIMEOUT_MS: doc(
    count.min(100).default(10_000),
    "per-request timeout before the pool retries on another endpoint",
  ),
});
