import type { OperationalState } from "@chainlog/ports";
import { type IngestCursor, ServiceStatus } from "@chainlog/tx-schema";
import type cassandra from "cassandra-driver";
import { type CassandraConnectParameters, clusterHealth, createCassandraClient } from "./cassandra-client.ts";
import { num, parse, readOptions, writeOptions } from "./context.ts";
import { StoreClosedError } from "./errors.ts";
import { applyMigrations } from "./schema/migrate.ts";
import { OperationalMigrations } from "./schema/migrations.ts";

interface OperationalContext {
  ks: string;
  /** Writes by default; pass readOptions for reads. */
  exec(cql: string, values: unknown[], options?: cassandra.QueryOptions): Promise<cassandra.types.ResultSet>;
  /** Resolves once the tables exist (migrates on first use); throws once closed. */
  ready(): Promise<unknown>;
}

type OperationalRows = Omit<OperationalState, "migrate" | "health" | "close">;

/** Cursors, and the service reports in one small partition (a row per instance; the table's TTL drops leavers). */
export function operationalRows(ctx: OperationalContext): OperationalRows {
  const { ks } = ctx;
  return {
    async putServiceStatus(status) {
      const s = ServiceStatus.parse(status);
      await ctx.ready();
      await ctx.exec(
        `INSERT INTO ${ks}.service_status (id, service, instance, updated_at, data) VALUES (0, ?, ?, ?, ?)`,
        [s.service, s.instance, s.updatedAt, JSON.stringify(s)],
      );
    },

    async getServiceStatuses(maxAgeMs) {
      if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
        throw new RangeError("maxAgeMs must be a non-negative number");
      await ctx.ready();
      const since = Date.now() - maxAgeMs;
      const rs = await ctx.exec(
        `SELECT updated_at, data FROM ${ks}.service_status WHERE id = 0`,
        [],
        readOptions,
      );
      const out: ServiceStatus[] = [];
      // clustered by (service, instance): "ingest" sorts before "processor"
      for await (const r of rs) if (num(r.updated_at) >= since) out.push(parse<ServiceStatus>(r.data));
      return out;
    },

    async getCursor(name) {
      await ctx.ready();
      const row = (
        await ctx.exec(`SELECT data FROM ${ks}.cursors WHERE name = ?`, [name], readOptions)
      ).first();
      return row ? parse<IngestCursor>(row.data) : null;
    },

    async setCursor(name, cursor) {
      await ctx.ready();
      await ctx.exec(`INSERT INTO ${ks}.cursors (name, data) VALUES (?, ?)`, [name, JSON.stringify(cursor)]);
    },
  };
}

/**
 * The operational state alone (what ingest opens): migrates only its own track (cursors, service status), never
 * the chain tables, on first use or migrate().
 */
export function createCassandraOperationalState(params: CassandraConnectParameters): OperationalState {
  const ks = params.keyspace;
  const client = createCassandraClient(params);
  let ready: Promise<void> | undefined;
  let closed = false;
  const migrated = () => {
    if (closed) throw new StoreClosedError();
    ready ??= applyMigrations({
      client,
      keyspace: ks,
      localDataCenter: params.localDataCenter,
      replicationFactor: params.replicationFactor ?? 1,
      logger: params.logger,
      migrations: OperationalMigrations,
    });
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
  return {
    ...operationalRows({
      ks,
      exec: (cql, values, options = writeOptions) => client.execute(cql, values, options),
      ready: migrated,
    }),
    migrate: migrated,
    health: () => clusterHealth(client),
    async close() {
      if (closed) return;
      closed = true;
      await client.shutdown();
    },
  };
}
