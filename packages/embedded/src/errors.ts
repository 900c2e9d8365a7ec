import { errorClass } from "@chainlog/tx-schema";

export class UnknownTopicError extends errorClass(
  "UnknownTopicError",
  (topic: string) => `unknown topic ${JSON.stringify(topic)}: call ensureTopics first`,
) {}

export class BusClosedError extends errorClass("BusClosedError", () => "bus is closed") {}

export class InvalidMessageError extends errorClass("InvalidMessageError") {}

/** The file was written by a newer Chainlog: reading it with this one could misread or damage it. */
export class SchemaVersionError extends errorClass(
  "SchemaVersionError",
  (found: number, supported: number) =>
    `store schema version ${found} is newer than this Chainlog supports (${supported}): upgrade Chainlog`,
) {}

/**
 * A row decoded from a log (token transfer, swap, approval, WETH event) whose log is not among the block's logs of
 * its transaction: refused, since a transaction's detail reads those rows only when it has logs.
 */
export class OrphanLogRowError extends errorClass(
  "OrphanLogRowError",
  (kind: string, blockNumber: number, transactionIndex: number, logIndex: number) =>
    `${kind} of block ${blockNumber} names log ${logIndex} of transaction ${transactionIndex}, which the block does not have`,
) {}

/** A statement or row the row inserter cannot take: a wrong count would shift every later row's columns. */
export class RowShapeError extends errorClass(
  "RowShapeError",
  (why: string, sql: string) => `${why}: ${sql.replace(/\s+/g, " ")}`,
) {}
