export class InvalidKeyspaceNameError extends Error {
  override name = "InvalidKeyspaceNameError";
  constructor(keyspace: string) {
    super(`invalid Cassandra keyspace name ${JSON.stringify(keyspace)}: use [a-z_][a-z0-9_]{0,47}`);
  }
}

export class MigrationLockTimeoutError extends Error {
  override name = "MigrationLockTimeoutError";
  constructor(keyspace: string, ms: number) {
    super(`schema migration of ${keyspace} still locked by another process after ${ms} ms`);
  }
}

export class StoreClosedError extends Error {
  override name = "StoreClosedError";
  constructor() {
    super("the Cassandra store is closed");
  }
}
