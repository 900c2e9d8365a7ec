import { z } from "zod";
import { doc } from "../env-values.ts";

/** What every Chainlog process reads. */
export const SharedSlice = z.object({
  CHAINLOG_MODE: doc(
    z.enum(["embedded", "cluster"]).default("embedded"),
    "embedded (SQLite files) or cluster (Kafka, Cassandra, MongoDB)",
  ),
  CHAINLOG_DATA_DIR: doc(
    z.string().min(1).default(".chainlog"),
    "where the embedded bus, store and metadata files live",
  ),
  LOG_LEVEL: doc(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    "fatal, error, warn, info, debug, trace or silent",
  ),
  NODE_OPTIONS: doc(z.string().optional(), "read by Node.js itself (containers enable source maps with it)"),
  NODE_ENV: doc(z.string().optional(), "read by libraries, not by Chainlog (the images set production)"),
});

/** Who this process is on Kubernetes (the Deployment sets both from the pod's own fields). */
export const PodSlice = z.object({
  POD_NAME: doc(
    z.string().max(200).optional(),
    "instance name in status reports and ingest's leader lease holder",
    "hostname:pid",
  ),
  POD_NAMESPACE: doc(
    z.string().max(63).optional(),
    "with POD_NAME, names a lease holder across namespaces sharing one metadata store",
  ),
});

/** The JSON-RPC nodes Chainlog follows. */
export const RpcSlice = z.object({
  ETH_RPC_URL: doc(
    z.string().optional(),
    "one JSON-RPC endpoint; when neither this nor ETH_RPC_URLS is set, `pnpm start` starts a devnet",
  ),
  ETH_RPC_URLS: doc(
    z.string().optional(),
    "comma-separated endpoints, each url or url#priority=N&rps=R; wins over ETH_RPC_URL",
  ),
});
