import type { AdapterLogger, StoreHealth } from "@chainlog/ports";
import cassandra, { type Client } from "cassandra-driver";
import { type CassandraAuth, cassandraAuthOptions } from "./cassandra-auth.ts";
import { CassandraConfigError, InvalidKeyspaceNameError } from "./errors.ts";

/** Where and how to connect: what the whole store and the operational state alone both take. */
export interface CassandraConnectParameters {
  /** host or host:port of one or more nodes. */
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** Used when migrate() creates the keyspace. Default 1; 3 on a three-node cluster. */
  replicationFactor?: number;
  /** The service's logger: the driver's warnings and errors (hosts down, reconnects) are written to it. */
  logger: AdapterLogger;
  /** CQL port of every node (the driver dials discovered peers on it). Default: the contact points' port, else 9042. */
  port?: number;
  /** Password authentication (PasswordAuthenticator; Amazon Keyspaces service credentials). */
  username?: string;
  password?: string;
  /** Overrides username/password: none, password, or aws-sigv4 (Amazon Keyspaces over TLS). */
  auth?: CassandraAuth;
}

const { consistencies } = cassandra.types;

/** A driver client for the keyspace (not connected yet: the driver connects on the first statement). */
export function createCassandraClient(params: CassandraConnectParameters): Client {
  const ks = params.keyspace;
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(ks)) throw new InvalidKeyspaceNameError(ks);
  if (params.contactPoints.length === 0)
    throw new CassandraConfigError("Cassandra store: no contact points given");
  const portOfContact = Number(params.contactPoints[0]?.split(":")[1]);
  const client = new cassandra.Client({
    contactPoints: params.contactPoints,
    localDataCenter: params.localDataCenter,
    protocolOptions: { port: params.port ?? (Number.isInteger(portOfContact) ? portOfContact : 9042) },
    // token-aware routing over DC-aware round robin: each statement goes to a replica of its partition
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.TokenAwarePolicy(
        new cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy(params.localDataCenter),
      ),
    },
    queryOptions: { consistency: consistencies.localQuorum, prepare: true },
    ...cassandraAuthOptions(
      params.auth ??
        (params.username !== undefined
          ? { mechanism: "password", username: params.username, password: params.password ?? "" }
          : { mechanism: "none" }),
    ),
    socketOptions: { readTimeout: 30_000 },
  });
  // the driver reports hosts going down, reconnects and failed handshakes only as log events
  const logger = params.logger;
  client.on("log", (level: string, className: string, message: string, furtherInfo?: unknown) => {
    const obj = { cassandra: className, ...(furtherInfo instanceof Error ? { err: furtherInfo } : {}) };
    if (level === "error") logger.error(obj, message);
    else if (level === "warning") logger.warn(obj, message);
  });
  return client;
}

/** Healthy when the coordinator answers; the detail counts the nodes the driver sees up. */
export async function clusterHealth(client: Client): Promise<StoreHealth> {
  try {
    await client.execute("SELECT release_version FROM system.local", [], { prepare: true });
    const up = client.hosts.values().filter((h) => h.isUp()).length;
    return { ok: true, detail: `${up}/${client.hosts.length} nodes up` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
