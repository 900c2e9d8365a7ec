import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "./config-error.ts";
import { type ProgramName, programVariables, slices } from "./programs.ts";

export { ConfigError } from "./config-error.ts";

/**
 * Every environment variable Chainlog reads, with its default: the union of the slices in programs.ts. The
 * README's configuration reference and `chainlog config` are this table.
 */
export const ConfigSchema = z.object({
  ...slices.shared.shape,
  ...slices.rpc.shape,
  ...slices.pod.shape,
  ...slices.bus.shape,
  ...slices.kafka.shape,
  ...slices.cassandra.shape,
  ...slices.mongodb.shape,
  ...slices.aws.shape,
  ...slices.s3.shape,
  ...slices.ingest.shape,
  ...slices.processor.shape,
  ...slices["query-api"].shape,
  ...slices.web.shape,
  ...slices["lake-dir"].shape,
  ...slices["lake-sink"].shape,
  ...slices.launcher.shape,
  ...slices.tools.shape,
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

type Env = Record<string, string | undefined>;

/** Parses `env` against a schema of variables; the first bad one fails, named, in one line. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  // Empty strings count as unset, the way shells and orchestrators usually mean them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
}

/**
 * The configuration from `env`. With a program, only the variables of its slices are read (and validated); the
 * rest take their defaults. Without one, every declared variable is.
 */
export function loadConfig(env: Env = process.env, program?: ProgramName): Config {
  const names = program ? programVariables(program) : undefined;
  const c = parseEnv(
    ConfigSchema,
    names ? Object.fromEntries(Object.entries(env).filter(([k]) => names.has(k))) : env,
  );
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

/**
 * A program's configuration at its start. A bad variable ends the process with one line naming it and what
 * was expected: before any logger, whose level is itself configuration.
 */
export function configAtStart(
  program: ProgramName,
  env: Env | (() => Env) = process.env,
  exit: (line: string) => never = (line) => {
    process.stderr.write(`${line}\n`);
    process.exit(1);
  },
): Config {
  try {
    return loadConfig(typeof env === "function" ? env() : env, program);
  } catch (error) {
    if (error instanceof ConfigError) return exit(`chainlog ${program}: ${error.message}`);
    throw error;
  }
}
