import { EngineOptionsError } from "./errors.ts";
import { cacheDir, defaultBaseDir } from "./paths.ts";

export type EngineName = "kafka" | "cassandra" | "mongo";
export const AllEngines: readonly EngineName[] = ["kafka", "cassandra", "mongo"];

export interface StartEnginesParameters {
  /** 1 (default) or 3: three Kafka brokers (RF 3, min ISR 2) and three Cassandra nodes on 127.0.0.1/2/3. */
  nodes?: 1 | 3;
  /** Data, logs and the process list. Default: CHAINLOG_ENGINES_DIR or <cacheDir>/run. */
  baseDir?: string;
  /** Downloads and builds. Default: CHAINLOG_CACHE_DIR or ~/.cache/chainlog. */
  cacheDir?: string;
  /** Which engines to run; default all three. */
  engines?: readonly EngineName[];
  /** Broker i (0-based) listens on kafkaPort + 2i, its controller on kafkaPort + 2i + 1. Default 9092. */
  kafkaPort?: number;
  /** CQL port of every node (node i on 127.0.0.(i+1)). Default 9042. */
  cassandraPort?: number;
  /** Gossip/storage port of every node. Default 7000. */
  cassandraStoragePort?: number;
  /** Node i's JMX port is cassandraJmxPort + 100i (on 127.0.0.1). Default 7100. */
  cassandraJmxPort?: number;
  /** FerretDB's MongoDB-wire port on 127.0.0.1. Default 27017. */
  mongoPort?: number;
  /** JVM heap per Kafka broker, e.g. "512m". */
  kafkaHeap?: string;
  /** JVM heap per Cassandra node; default 768m for one node, 512m each for three. */
  cassandraHeap?: string;
  /** Wipe the base dir's data first. */
  fresh?: boolean;
  /**
   * true (API default): the engines die with this process (same process group, killed on exit) — for tests.
   * false (the CLI's `up`): they run on in their own process group until `down`.
   */
  ownedByCaller?: boolean;
  /** Progress lines; default: to stderr. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedOptions {
  nodes: 1 | 3;
  baseDir: string;
  cacheDir: string;
  engines: readonly EngineName[];
  kafkaPort: number;
  cassandraPort: number;
  cassandraStoragePort: number;
  cassandraJmxPort: number;
  mongoPort: number;
  kafkaHeap: string;
  cassandraHeap: string;
  fresh: boolean;
  ownedByCaller: boolean;
  log: (line: string) => void;
}

function envPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new EngineOptionsError(`${name}=${raw} is not a TCP port`);
  return port;
}

export function resolveOptions(params: StartEnginesParameters = {}): ResolvedOptions {
  const env = params.env ?? process.env;
  const nodes = params.nodes ?? 1;
  if (nodes !== 1 && nodes !== 3) throw new EngineOptionsError(`nodes must be 1 or 3, not ${String(nodes)}`);
  const engines = params.engines ?? AllEngines;
  for (const e of engines) if (!AllEngines.includes(e)) throw new EngineOptionsError(`unknown engine ${e}`);
  return {
    nodes,
    baseDir: params.baseDir ?? defaultBaseDir(env),
    cacheDir: params.cacheDir ?? cacheDir(env),
    engines,
    kafkaPort: params.kafkaPort ?? envPort(env, "CHAINLOG_KAFKA_PORT", 9092),
    cassandraPort: params.cassandraPort ?? envPort(env, "CHAINLOG_CASSANDRA_PORT", 9042),
    cassandraStoragePort:
      params.cassandraStoragePort ?? envPort(env, "CHAINLOG_CASSANDRA_STORAGE_PORT", 7000),
    cassandraJmxPort: params.cassandraJmxPort ?? envPort(env, "CHAINLOG_CASSANDRA_JMX_PORT", 7100),
    mongoPort: params.mongoPort ?? envPort(env, "CHAINLOG_MONGO_PORT", 27017),
    kafkaHeap: params.kafkaHeap ?? env.CHAINLOG_KAFKA_HEAP ?? "512m",
    cassandraHeap: params.cassandraHeap ?? env.CHAINLOG_CASSANDRA_HEAP ?? (nodes === 1 ? "768m" : "512m"),
    fresh: params.fresh ?? false,
    ownedByCaller: params.ownedByCaller ?? true,
    log: params.log ?? ((line) => process.stderr.write(`[engines] ${line}\n`)),
  };
}
