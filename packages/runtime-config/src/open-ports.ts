import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Bus, MetaStore, Store } from "@chainlog/ports";
import type { Config } from "./config.ts";

/*
 * Adapters are imported lazily: an embedded process never loads kafkajs or cassandra-driver, and a cluster
 * container need not ship SQLite. The module names are kept in variables so bundlers leave them external.
 */
async function load<T>(name: string): Promise<T> {
  return (await import(name)) as T;
}

/** The data directory is Chainlog's own: owner-only, whoever created it and with whatever umask. */
export function embeddedPath(config: Config, file: string): string {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  return join(config.dataDir, file);
}

export async function openBus(config: Config): Promise<Bus> {
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await load<{ createSqliteBus(o: { path: string }): Bus | Promise<Bus> }>("@chainlog/embedded");
    return m.createSqliteBus({ path: embeddedPath(config, "bus.db") });
  }
  const m = await load<{
    createKafkaBus(o: {
      brokers: string[];
      clientId: string;
      replicationFactor: number;
      sessionTimeoutMs: number;
    }): Bus | Promise<Bus>;
  }>("@chainlog/kafka-bus");
  return m.createKafkaBus({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
  });
}

export async function openStore(config: Config): Promise<Store> {
  let store: Store;
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await load<{ createSqliteStore(o: { path: string }): Store | Promise<Store> }>(
      "@chainlog/embedded",
    );
    store = await m.createSqliteStore({ path: embeddedPath(config, "store.db") });
  } else {
    const m = await load<{
      createCassandraStore(o: {
        contactPoints: string[];
        localDataCenter: string;
        keyspace: string;
        replicationFactor: number;
        username?: string;
        password?: string;
      }): Store | Promise<Store>;
    }>("@chainlog/cassandra-store");
    store = await m.createCassandraStore({
      contactPoints: config.CASSANDRA_CONTACT_POINTS,
      localDataCenter: config.CASSANDRA_LOCAL_DC,
      keyspace: config.CASSANDRA_KEYSPACE,
      replicationFactor: config.CASSANDRA_REPLICATION_FACTOR,
      username: config.CASSANDRA_USERNAME,
      password: config.CASSANDRA_PASSWORD,
    });
  }
  await store.migrate();
  return store;
}

export async function openMetaStore(config: Config): Promise<MetaStore> {
  let meta: MetaStore;
  if (config.CHAINLOG_MODE === "embedded") {
    const m = await load<{ createSqliteMetaStore(o: { path: string }): MetaStore | Promise<MetaStore> }>(
      "@chainlog/embedded",
    );
    meta = await m.createSqliteMetaStore({ path: embeddedPath(config, "meta.db") });
  } else {
    const m = await load<{ createMongoMetaStore(o: { url: string }): MetaStore | Promise<MetaStore> }>(
      "@chainlog/mongo-metastore",
    );
    meta = await m.createMongoMetaStore({ url: config.MONGODB_URL });
  }
  await meta.migrate();
  return meta;
}
