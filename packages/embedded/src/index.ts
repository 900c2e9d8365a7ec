export * from "./errors.ts";
export { murmur2, partitionOf } from "./murmur2.ts";
export { createSqliteBus, type SqliteBus, type SqliteBusOptions, type TrimOptions } from "./sqlite-bus.ts";
export { createSqliteMetaStore, type SqliteMetaStoreOptions } from "./sqlite-meta-store.ts";
export {
  createSqliteOperationalState,
  type SqliteOperationalStateOptions,
} from "./sqlite-operational-state.ts";
export { createSqliteStore, MAX_PAGE_SIZE, type SqliteStoreOptions } from "./sqlite-store.ts";
