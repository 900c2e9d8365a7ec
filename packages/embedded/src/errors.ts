import { ChainlogError } from "@chainlog/tx-schema";
export class UnknownTopicError extends ChainlogError {
  override name = "UnknownTopicError";
  constructor(topic: string) {
    super(`unknown topic ${JSON.stringify(topic)}: call ensureTopics first`);
  }
}

export class BusClosedError extends ChainlogError {
  override name = "BusClosedError";
  constructor() {
    super("bus is closed");
  }
}

export class InvalidMessageError extends ChainlogError {
  override name = "InvalidMessageError";
}

/** The file was written by a newer Chainlog: reading it with this one could misread or damage it. */
export class SchemaVersionError extends ChainlogError {
  override name = "SchemaVersionError";
  constructor(found: number, supported: number) {
    super(
      `store schema version ${found} is newer than this Chainlog supports (${supported}): upgrade Chainlog`,
    );
  }
}

/**
 * A row decoded from a log (token transfer, swap, approval, WETH event) whose log is not among the block's logs of
 * its transaction: refused, since a transaction's detail reads those rows only when it has logs.
 */
export class OrphanLogRowError extends ChainlogError {
  override name = "OrphanLogRowError";
  constructor(kind: string, blockNumber: number, transactionIndex: number, logIndex: number) {
    super(
      `${kind} of block ${blockNumber} names log ${logIndex} of transaction ${transactionIndex}, which the block does not have`,
    );
  }
}
