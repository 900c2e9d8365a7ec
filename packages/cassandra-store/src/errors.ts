import { ChainlogError } from "@chainlog/tx-schema";
export class InvalidKeyspaceNameError extends ChainlogError {
  override name = "InvalidKeyspaceNameError";
  constructor(keyspace: string) {
    super(`invalid Cassandra keyspace name ${JSON.stringify(keyspace)}: use [a-z_][a-z0-9_]{0,47}`);
  }
}

export class MigrationLockTimeoutError extends ChainlogError {
  override name = "MigrationLockTimeoutError";
  constructor(keyspace: string, ms: number) {
    super(`schema migration of ${keyspace} still locked by another process after ${ms} ms`);
  }
}

export class StoreClosedError extends ChainlogError {
  override name = "StoreClosedError";
  constructor() {
    super("the Cassandra store is closed");
  }
}

export class KeyspacesAuthError extends ChainlogError {
  override name = "KeyspacesAuthError";
}

/** Settings the store cannot connect with (no contact points, an auth mode without what it needs). */
export class CassandraConfigError extends ChainlogError {
  override name = "CassandraConfigError";
}
