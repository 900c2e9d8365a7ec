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

/** The whole store (one object has every role), migrated: chain tables and operational state. */
async function openWholeStore(config: Config, logger: AdapterLogger): Promise<Store> {
  let store: Store;
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await import("@chainlog/embedded");
    store = await m.createSqliteStore({ path: embeddedPath(config, "store.db") });
  } else {
    const m = await import("@chainlog/cassandra-store");
    store = await m.createCassandraStore(cassandraParameters(config, logger));
  }
  await store.migrate();
  return store;
}

/**
 * Cursors and service reports only (ingest): creates or upgrades those tables and never the chain's, so a
 * service that keeps a cursor does not migrate, nor wait on a migration of, the whole store.
 */
export async function openOperationalState(config: Config, logger: AdapterLogger): Promise<OperationalState> {
  let state: OperationalState;
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await import("@chainlog/embedded");
    state = m.createSqliteOperationalState({ path: embeddedPath(config, "store.db") });
  } else {
    const m = await import("@chainlog/cassandra-store");
    state = m.createCassandraOperationalState(cassandraParameters(config, logger));
  }
  await state.migrate();
  return state;
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

export async function openMetaStore(config: Config, logger: AdapterLogger): Promise<MetaStore> {
  let meta: MetaStore;
  if (config.CHAINLOG_METASTORE === "embedded") {
    const m = await import("@chainlog/embedded");
    meta = await m.createSqliteMetaStore({ path: embeddedPath(config, "meta.db") });
  } else {
    const m = await import("@chainlog/mongo-metastore");
    meta = await m.createMongoMetaStore({ url: config.MONGODB_URL, logger });
  }
  await meta.migrate();
  return meta;
}
