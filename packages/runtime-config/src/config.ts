import { resolve } from "node:path";
import { ChainlogError } from "@chainlog/tx-schema";
import { z } from "zod";
import { TrustProxySchema } from "./trust-proxy.ts";

const port = z.coerce.number().int().min(1).max(65535);
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte hex address")
  .transform((a) => a.toLowerCase());
const addressList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(address));
const csv = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "15s", "500ms", "1m" → milliseconds; "off" → 0 (no leader election). */
export function parseLeaseDuration(value: string): number {
  if (value.trim() === "off") return 0;
  const m = /^(\d+)\s*(ms|s|m)$/.exec(value.trim());
  if (!m) throw new ConfigError(`must be a duration like 15s, 500ms or 1m, or off; got "${value}"`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

const leaseDuration = z
  .string()
  .transform((v, ctx) => {
    try {
      return parseLeaseDuration(v);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  })
  .refine((ms) => ms === 0 || (ms >= 1000 && ms <= 600_000), { error: "must be off or between 1s and 10m" });

/**
 * Every environment variable Chainlog reads, with its default. The README's configuration reference is this
 * table; keep them in step.
 */
export const ConfigSchema = z.object({
  CHAINLOG_MODE: z.enum(["embedded", "cluster"]).default("embedded"),
  CHAINLOG_DATA_DIR: z.string().min(1).default(".chainlog"),
  CHAIN_ID: z.coerce.number().int().positive().optional(),
  ETH_RPC_URL: z.string().optional(),
  ETH_RPC_URLS: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: port.default(4000),
  WEB_HOST: z.string().default("127.0.0.1"),
  WEB_PORT: port.default(3000),
  QUERY_API_URL: z.string().url().default("http://127.0.0.1:4000"),
  /** Proxies in front of the web server whose X-Forwarded-For/-Proto it believes (default none). */
  WEB_TRUST_PROXY: TrustProxySchema.default(false),
  /** Whether browsers reach the web over HTTPS: auto = TLS here or a trusted X-Forwarded-Proto. */
  WEB_HTTPS: z.enum(["auto", "always", "never"]).default("auto"),
  /** The web's /metrics listens here, never on the public port. */
  WEB_METRICS_HOST: z.string().default("127.0.0.1"),
  WEB_METRICS_PORT: port.default(9103),
  WEB_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).default(64),
  /** Loopback by default; containers set 0.0.0.0 so probes and Prometheus can reach them. */
  INGEST_HTTP_HOST: z.string().default("127.0.0.1"),
  INGEST_HTTP_PORT: port.default(9101),
  PROCESSOR_HTTP_HOST: z.string().default("127.0.0.1"),
  PROCESSOR_HTTP_PORT: port.default(9102),

  /** Run the enrichment stage (traces, token metadata, pools, prices, balances) in this processor. */
  PROCESSOR_ENRICH: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** Call traces (internal transactions, contracts created by contracts): auto turns them off for a node that cannot. */
  PROCESSOR_TRACES: z.enum(["auto", "on", "off"]).default("auto"),
  /** debug_traceBlockByHash requests in flight (one block each). */
  PROCESSOR_TRACE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** debug_traceBlockByHash requests in flight while the raw stage is behind the node's head (0: none until it is). */
  PROCESSOR_CATCHUP_TRACE_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(0),
  /** One enrichment RPC request (eth_call, eth_getBalance). */
  PROCESSOR_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** One block's trace: the node re-executes the block, so it gets longer than other calls before it is asked again. */
  PROCESSOR_TRACE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** How long a transient failure of an enrichment read is retried before that part is marked failed. */
  PROCESSOR_ENRICH_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** How often the processor re-reads the watchlists' addresses from the metadata store. */
  // 0: no watchlists (only WATCHED_ADDRESSES), and no metadata store needed by the processor.
  PROCESSOR_WATCHLIST_REFRESH_MS: z.coerce
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 100 && ms <= 3_600_000), { error: "must be 0 (off) or 100..3600000" })
    .default(5_000),
  /** Addresses whose ETH and token balances are kept, besides every address on a user's watchlist. */
  WATCHED_ADDRESSES: addressList.default([]),
  /** Wrapped ether, the ETH quote of DEX prices. Default on mainnet (chain 1): 0xc02a…6cc2. */
  WETH_ADDRESS: address.optional(),
  /** Stablecoins taken as 1 USD for DEX prices. Default on mainnet: USDC, USDT, DAI. */
  STABLECOIN_ADDRESSES: addressList.optional(),
  /** Who reports the processor's status, and who holds ingest's leader lease (Kubernetes sets it); default hostname. */
  POD_NAME: z.string().max(200).optional(),
  /** With POD_NAME, names a lease holder across namespaces sharing one metadata store. */
  POD_NAMESPACE: z.string().max(63).optional(),
  /**
   * How long ingest's leader lease lasts without a renewal: the longest a dead leader's standby waits before it
   * takes over (renewed every third of it). Every ingest replica of a chain competes for it; only the holder
   * publishes. off: no election (only ever one ingest).
   */
  CHAINLOG_LEADER_LEASE: leaseDuration.default(15_000),

  /** Whether `chainlog start` runs the lake sink. */
  LAKE: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  /** The lake folder, or s3://bucket/prefix; default <CHAINLOG_DATA_DIR>/lake (see lakeDir). */
  LAKE_DIR: z.string().min(1).optional(),
  /**
   * A block is final, and goes into the lake, once this many stored blocks follow it, each the child of the one before. 64 ≈ two epochs
   * on Ethereum mainnet (and REORG_DEPTH's default, the deepest reorg ingest repairs); `pnpm start` uses 12 on its devnet.
   */
  LAKE_CONFIRMATIONS: z.coerce.number().int().min(0).max(100_000).default(64),
  /** Most blocks in one lake part file; a day's parts are merged into one file once the day is final. */
  LAKE_BLOCKS_PER_PART: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** While fewer than LAKE_BLOCKS_PER_PART final blocks wait, a part is written this often. */
  LAKE_FLUSH_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),

  /**
   * Default 8 in cluster mode (Kafka consumers share partitions), 1 embedded: there one member holds a group's
   * whole topic, so more partitions add no parallelism, only a durable write per partition batch (raw catch-up
   * ran 25–60 % faster with 1 than with 8 on the compare chain).
   */
  BUS_PARTITIONS: z.coerce.number().int().min(1).max(1024).optional(),

  KAFKA_BROKERS: csv.default(["127.0.0.1:9092"]),
  KAFKA_CLIENT_ID: z.string().default("chainlog"),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  /** How long a silent consumer keeps its partitions: the stall after a processor crash. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  CASSANDRA_CONTACT_POINTS: csv.default(["127.0.0.1"]),
  CASSANDRA_LOCAL_DC: z.string().default("dc1"),
  CASSANDRA_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/)
    .default("chainlog"),
  CASSANDRA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  CASSANDRA_USERNAME: z.string().optional(),
  CASSANDRA_PASSWORD: z.string().optional(),
  MONGODB_URL: z.string().default("mongodb://127.0.0.1:27017/chainlog"),
  /**
   * Where the metadata store (accounts, jobs, leases) lives; default follows CHAINLOG_MODE (embedded: meta.db in
   * the data directory, cluster: MONGODB_URL). mongodb with the embedded bus and store lets processes on several
   * hosts share accounts and ingest's leader lease.
   */
  CHAINLOG_METASTORE: z.enum(["embedded", "mongodb"]).optional(),
  /**
   * aws-msk-iam: SASL OAUTHBEARER over TLS with tokens from aws-msk-iam-sasl-signer-js, signed with the pod's
   * AWS credentials (IRSA) in AWS_REGION. Default none (plaintext, as the local and in-cluster Kafka run).
   */
  KAFKA_AUTH: z.enum(["none", "aws-msk-iam"]).default("none"),
  /**
   * password: CASSANDRA_USERNAME/CASSANDRA_PASSWORD (the default when a username is set). aws-sigv4: Amazon
   * Keyspaces with the pod's AWS credentials in AWS_REGION, over TLS. none: no authentication.
   */
  CASSANDRA_AUTH: z.enum(["none", "password", "aws-sigv4"]).optional(),
  /** The AWS region of MSK IAM, Keyspaces SigV4 and the export bucket (the AWS SDK's own default chain otherwise). */
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region like eu-west-1")
    .optional(),
  /** query-api's export results go to this S3 bucket (under exports/<user>/<job>/) instead of the metadata store. */
  CHAINLOG_EXPORT_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name")
    .optional(),
});

export type Config = Omit<
  z.infer<typeof ConfigSchema>,
  "BUS_PARTITIONS" | "CASSANDRA_AUTH" | "CHAINLOG_METASTORE"
> & {
  BUS_PARTITIONS: number;
  CASSANDRA_AUTH: "none" | "password" | "aws-sigv4";
  CHAINLOG_METASTORE: "embedded" | "mongodb";
  /** Absolute data directory of the embedded adapters. */
  dataDir: string;
  /** Every configured RPC endpoint (ETH_RPC_URLS, else ETH_RPC_URL), raw as given. */
  rpcUrls: string[];
  /** The lake: LAKE_DIR's s3://bucket/prefix as given, else its absolute folder (default <dataDir>/lake). */
  lakeDir: string;
};

export class ConfigError extends ChainlogError {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, the way shells and orchestrators usually mean them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  const rpcUrls = (c.ETH_RPC_URLS ?? c.ETH_RPC_URL ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const BUS_PARTITIONS = c.BUS_PARTITIONS ?? (c.CHAINLOG_MODE === "cluster" ? 8 : 1);
  const CASSANDRA_AUTH = c.CASSANDRA_AUTH ?? (c.CASSANDRA_USERNAME ? "password" : "none");
  if (CASSANDRA_AUTH === "password" && !(c.CASSANDRA_USERNAME && c.CASSANDRA_PASSWORD))
    throw new ConfigError("CASSANDRA_AUTH=password needs CASSANDRA_USERNAME and CASSANDRA_PASSWORD");
  const CHAINLOG_METASTORE = c.CHAINLOG_METASTORE ?? (c.CHAINLOG_MODE === "cluster" ? "mongodb" : "embedded");
  const dataDir = resolve(c.CHAINLOG_DATA_DIR);
  const lakeDir =
    c.LAKE_DIR && /^s3:\/\//i.test(c.LAKE_DIR) ? c.LAKE_DIR : resolve(c.LAKE_DIR ?? `${dataDir}/lake`);
  return { ...c, BUS_PARTITIONS, CASSANDRA_AUTH, CHAINLOG_METASTORE, dataDir, rpcUrls, lakeDir };
}
