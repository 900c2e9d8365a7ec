import type { OperationalState } from "@chainlog/ports";
import type { IngestCursor, ServiceStatus } from "@chainlog/tx-schema";
import { type Db, openDatabase, pingHealth, prepareRaw, text, writeTransaction } from "./sqlite.ts";
import { STORE_SQL } from "./store-queries.ts";
import { migrateOperationalState } from "./store-schema.ts";

export interface SqliteOperationalStateOptions {
  path: string;
}

type OperationalRows = Omit<OperationalState, "migrate" | "health" | "close">;

/** Cursors and service reports on an open store file: the whole store and the operational state alone share it. */
export function operationalRows(db: Db): OperationalRows {
  const getCursor = prepareRaw(db, STORE_SQL.getCursor);
  const setCursor = prepareRaw(db, STORE_SQL.setCursor);
  const putStatus = prepareRaw(db, STORE_SQL.putStatus);
  const statuses = prepareRaw(db, STORE_SQL.statuses);
  return {
    async putServiceStatus(status: ServiceStatus) {
      writeTransaction(db, () =>
        putStatus.run([status.service, text(status.instance), status.updatedAt, JSON.stringify(status)]),
      );
    },

    async getServiceStatuses(maxAgeMs) {
      if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
        throw new RangeError("maxAgeMs must be a non-negative number of milliseconds");
      return statuses.all([Date.now() - maxAgeMs]).map((r) => JSON.parse(String(r[0])) as ServiceStatus);
    },

    async getCursor(name) {
      const row = getCursor.get([text(name)]);
      return row ? (JSON.parse(String(row[0])) as IngestCursor) : null;
    },

    async setCursor(name, cursor) {
      writeTransaction(db, () => setCursor.run([text(name), JSON.stringify(cursor)]));
    },
  };
}

/**
 * The operational state alone on the store file (what ingest opens): creates its two tables if missing and never
 * the chain tables, so a process that only keeps a cursor does not migrate the chain schema.
 */
export function createSqliteOperationalState(options: SqliteOperationalStateOptions): OperationalState {
  const db = openDatabase(options.path);
  try {
    migrateOperationalState(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const ping = prepareRaw(db, "SELECT count(*) FROM cursors");
  return {
    ...operationalRows(db),
    async migrate() {
      migrateOperationalState(db);
    },
    async health() {
      return pingHealth(() => ping.get());
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
