import { ChainlogError } from "@chainlog/tx-schema";

/** A value that does not fit a collection's schema; nothing was written. */
export class InvalidDocumentError extends ChainlogError {
  override name = "InvalidDocumentError";
  constructor(collection: string, field: string, expected: string) {
    super(`invalid ${collection} document: ${field} must be ${expected}`);
  }
}

export class MetaStoreClosedError extends ChainlogError {
  override name = "MetaStoreClosedError";
  constructor() {
    super("the MongoDB metadata store is closed");
  }
}
