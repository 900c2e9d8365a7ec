import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CassandraAuth } from "@chainlog/cassandra-store";
import type {
  AdapterLogger,
  Bus,
  ChainWriter,
  MetaStore,
  OperationalState,
  ReadModel,
  Store,
} from "@chainlog/ports";
import { type Config, ConfigError } from "./config.ts";

/*
 * Adapters are imported lazily: an embedded process never loads kafkajs or cassandra-driver, nor a cluster one
 * SQLite. The specifiers are literal so the service bundler compiles each adapter into a chunk of its own.
 */

/** The data directory is Chainlog's own: owner-only, whoever created it and with whatever umask. */
export function embeddedPath(config: Config, file: string): string {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  return join(config.dataDir, file);
}

export function requireRegion(config: Config, what: string): string {
  if (!config.AWS_REGION) throw new ConfigError(`${what} needs AWS_REGION`);
  return config.AWS_REGION;
}

export function cassandraAuth(config: Config): CassandraAuth {
  switch (config.CASSANDRA_AUTH) {
    case "password":
      return {
        mechanism: "password",
        username: config.CASSANDRA_USERNAME ?? "",
        password: config.CASSANDRA_PASSWORD ?? "",
      };
    case "aws-sigv4":
      return { mechanism: "aws-sigv4", region: requireRegion(config, "CASSANDRA_AUTH=aws-sigv4") };
    default:
      return { mechanism: "none" };
  }
}

/** `logger` is the service's: the cluster adapters write their driver's warnings and errors to it. */
export async function openBus(config: Config, logger: AdapterLogger): Promise<Bus> {
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await import("@chainlog/embedded");
    return m.createSqliteBus({ path: embeddedPath(config, "bus.db") });
  }
  const m = await import("@chainlog/kafka-bus");
  return m.createKafkaBus({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    auth:
      config.KAFKA_AUTH === "aws-msk-iam"
        ? { mechanism: "aws-msk-iam", region: requireRegion(config, "KAFKA_AUTH=aws-msk-iam") }
        : { mechanism: "none" },
  });
}

function cassandraParameters(config: Config, logger: AdapterLogger) {
  return {
    contactPoints: config.CASSANDRA_CONTACT_POINTS,
    localDataCenter: config.CASSANDRA_LOCAL_DC,
    keyspace: config.CASSANDRA_KEYSPACE,
    replicationFactor: config.CASSANDRA_REPLICATION_FACTOR,
    auth: cassandraAuth(config),
    logger,
  };
}

/** Opens an adapter and creates or upgrades its tables before anyone uses it. */
async function migrated<T extends { migrate(): Promise<void> }>(opening: Promise<T>): Promise<T> {
  const port = await opening;
  await port.migrate();
  return port;
}

type EmbeddedAdapters = typeof import("@chainlog/embedded");
type CassandraAdapters = typeof import("@chainlog/cassandra-store");

/** A role of the store on the configured adapter (SQLite's store.db or the Cassandra keyspace), migrated. */
function openStoreAs<T extends { migrate(): Promise<void> }>(
  config: Config,
  logger: AdapterLogger,
  embedded: (m: EmbeddedAdapters, options: { path: string }) => T,
  cluster: (m: CassandraAdapters, params: ReturnType<typeof cassandraParameters>) => T,
): Promise<T> {
  return migrated(
    config.CHAINLOG_MODE === "embedded"
      ? import("@chainlog/embedded").then((m) => embedded(m, { path: embeddedPath(config, "store.db") }))
      : import("@chainlog/cassandra-store").then((m) => cluster(m, cassandraParameters(config, logger))),
  );
}

/** The whole store (one object has every role), migrated: chain tables and operational state. */
function openWholeStore(config: Config, logger: AdapterLogger): Promise<Store> {
  return openStoreAs<Store>(
    config,
    logger,
    (m, options) => m.createSqliteStore(options),
    (m, params) => m.createCassandraStore(params),
  );
}

/**
 * Cursors and service reports only (ingest): creates or upgrades those tables and never the chain's, so a
 * service that keeps a cursor does not migrate, nor wait on a migration of, the whole store.
 */
export function openOperationalState(config: Config, logger: AdapterLogger): Promise<OperationalState> {
  return openStoreAs<OperationalState>(
    config,
    logger,
    (m, options) => m.createSqliteOperationalState(options),
    (m, params) => m.createCassandraOperationalState(params),
  );
}

/** What the processor writes through: the chain writer, and operational state for its status reports. */
export function openChainWriter(
  config: Config,
  logger: AdapterLogger,
): Promise<ChainWriter & OperationalState> {
  return openWholeStore(config, logger);
}

/** What query-api and the lake read through: the read model, and operational state for the status page. */
export function openReadModel(config: Config, logger: AdapterLogger): Promise<ReadModel & OperationalState> {
  return openWholeStore(config, logger);
}

export function openMetaStore(config: Config, logger: AdapterLogger): Promise<MetaStore> {
  return migrated<MetaStore>(
    config.CHAINLOG_METASTORE === "embedded"
      ? import("@chainlog/embedded").then((m) =>
          m.createSqliteMetaStore({ path: embeddedPath(config, "meta.db") }),
        )
      : import("@chainlog/mongo-metastore").then((m) =>
          m.createMongoMetaStore({ url: config.MONGODB_URL, logger }),
        ),
  );
}
