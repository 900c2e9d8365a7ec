export {
  createMongoMetaStore,
  databaseOf,
  type MongoMetaStoreParameters,
} from "./create-mongo-meta-store.ts";
export { InvalidDocumentError, MetaStoreClosedError } from "./errors.ts";
export { validate } from "./schemas.ts";
