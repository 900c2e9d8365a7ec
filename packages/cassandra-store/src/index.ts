export { bucketOf, DefaultBucketSize } from "./bucket.ts";
export {
  awsSigV4Provider,
  type CassandraAuth,
  cassandraAuthOptions,
  type SigV4ProviderFactory,
} from "./cassandra-auth.ts";
export type { CassandraConnectParameters } from "./cassandra-client.ts";
export {
  type CassandraStoreParameters,
  createCassandraStore,
  MaxPageSize,
} from "./create-cassandra-store.ts";
export {
  CassandraConfigError,
  InvalidKeyspaceNameError,
  MigrationLockTimeoutError,
  StoreClosedError,
} from "./errors.ts";
export { createCassandraOperationalState } from "./operational-state.ts";
