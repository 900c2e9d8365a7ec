import { errorClass } from "@chainlog/tx-schema";

export class InvalidKeyspaceNameError extends errorClass(
  "InvalidKeyspaceNameError",
  (keyspace: string) =>
    `invalid Cassandra keyspace name ${JSON.stringify(keyspace)}: use [a-z_][a-z0-9_]{0,47}`,
) {}

export class MigrationLockTimeoutError extends errorClass(
  "MigrationLockTimeoutError",
  (keyspace: string, ms: number) =>
    `schema migration of ${keyspace} still locked by another process after ${ms} ms`,
) {}

export class StoreClosedError extends errorClass("StoreClosedError", () => "the Cassandra store is closed") {}

export class KeyspacesAuthError extends errorClass("KeyspacesAuthError") {}

/** Settings the store cannot connect with (no contact points, an auth mode without what it needs). */
export class CassandraConfigError extends errorClass("CassandraConfigError") {}
