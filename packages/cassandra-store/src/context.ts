import type { PageCursors, PageQuery } from "@chainlog/ports";
import cassandra, { type Client } from "cassandra-driver";

export const MaxPageSize = 1000;

const { consistencies } = cassandra.types;
// Reads are idempotent: marking them lets the driver retry on another node when a socket closes (a node dying).
export const readOptions = { prepare: true, consistency: consistencies.localQuorum, isIdempotent: true };
export const writeOptions = { prepare: true, consistency: consistencies.localQuorum, isIdempotent: true };

export interface OpenedSettings {
  cursors: PageCursors;
  bucketSize: number;
}

/** What the store's query modules share: the client, the keyspace and the migrated settings. */
export interface StoreContext {
  client: Client;
  ks: string;
  concurrency: number;
  /** Migrates on first use; throws once the store is closed. */
  settings(): Promise<OpenedSettings>;
  /** Writes by default (idempotent, LOCAL_QUORUM); pass readOptions for reads. */
  exec(cql: string, values: unknown[], options?: cassandra.QueryOptions): Promise<cassandra.types.ResultSet>;
}

export function pageLimit(page: PageQuery): number {
  const { limit } = page;
  if (!Number.isInteger(limit) || limit < 1 || limit > MaxPageSize)
    throw new RangeError(`page limit must be an integer from 1 to ${MaxPageSize}`);
  return limit;
}

/** bigint columns come back as Long. */
export const num = (v: unknown): number => (typeof v === "number" ? v : Number(String(v)));
export const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
/** JSON list columns added by a later migration are null on rows written before it. */
export const parseList = <T>(v: unknown): T[] => (v === null || v === undefined ? [] : parse<T[]>(v));
