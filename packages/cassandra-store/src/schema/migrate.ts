import { randomBytes, randomUUID } from "node:crypto";
import cassandra, { type Client } from "cassandra-driver";
import { MigrationLockTimeoutError } from "../errors.ts";
import type { StoreLogger } from "../logger.ts";
import { Migrations } from "./migrations.ts";

export interface MigrateParameters {
  client: Client;
  keyspace: string;
  localDataCenter: string;
  replicationFactor: number;
  bucketSize: number;
  logger: StoreLogger;
  lockTimeoutMs?: number;
}

export interface StoreSettings {
  cursorSecret: Buffer;
  bucketSize: number;
}

const LockTtlSeconds = 120;

/**
 * Creates the keyspace and applies the missing migrations. Concurrent starts serialise on a lightweight-
 * transaction lock (schema changes racing on several coordinators can disagree), and the losers wait for the
 * winner. Returns the keyspace's settings, fixed at creation (bucket size, cursor secret).
 */
export async function migrate(p: MigrateParameters): Promise<StoreSettings> {
  const { client, keyspace: ks } = p;
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', '${p.localDataCenter}': ${p.replicationFactor}}`,
  );
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${ks}.schema_migrations (version int PRIMARY KEY, name text, applied_at timestamp)`,
  );
  await client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.schema_lock (id int PRIMARY KEY, owner text)`);

  const pending = async () => {
    const rs = await client.execute(`SELECT version FROM ${ks}.schema_migrations`, [], { prepare: true });
    const applied = new Set(rs.rows.map((r) => Number(r.version)));
    return Migrations.filter((m) => !applied.has(m.version));
  };

  const owner = randomUUID();
  const deadline = Date.now() + (p.lockTimeoutMs ?? 180_000);
  while ((await pending()).length > 0) {
    const lock = await client.execute(
      `INSERT INTO ${ks}.schema_lock (id, owner) VALUES (0, ?) IF NOT EXISTS USING TTL ${LockTtlSeconds}`,
      [owner],
      { prepare: true },
    );
    if (lock.wasApplied()) {
      try {
        for (const m of await pending()) {
          p.logger.info({ keyspace: ks, version: m.version, migration: m.name }, "applying schema migration");
          for (const cql of m.statements(ks)) await client.execute(cql);
          await client.execute(
            `INSERT INTO ${ks}.schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
            [m.version, m.name, new Date()],
            { prepare: true },
          );
        }
      } finally {
        await client.execute(`DELETE FROM ${ks}.schema_lock WHERE id = 0 IF owner = ?`, [owner], {
          prepare: true,
        });
      }
      break;
    }
    if (Date.now() > deadline) throw new MigrationLockTimeoutError(ks, p.lockTimeoutMs ?? 180_000);
    await new Promise((r) => setTimeout(r, 500));
  }
  return settings(client, ks, p.bucketSize);
}

/** First writer wins (LWT), so every process on the keyspace reads the same values. */
async function settings(client: Client, ks: string, bucketSize: number): Promise<StoreSettings> {
  const put = (k: string, v: Buffer) =>
    client.execute(`INSERT INTO ${ks}.store_meta (k, v) VALUES (?, ?) IF NOT EXISTS`, [k, v], {
      prepare: true,
    });
  await put("cursor_secret", randomBytes(32));
  await put("bucket_size", Buffer.from(String(bucketSize)));
  const rs = await client.execute(`SELECT k, v FROM ${ks}.store_meta`, [], {
    prepare: true,
    // serial read: sees the winning lightweight-transaction values
    consistency: cassandra.types.consistencies.localSerial,
  });
  const meta = new Map(rs.rows.map((r) => [String(r.k), r.v as Buffer]));
  const secret = meta.get("cursor_secret");
  const size = Number(meta.get("bucket_size")?.toString());
  if (!secret || !Number.isSafeInteger(size) || size < 1) throw new Error(`${ks}.store_meta is incomplete`);
  return { cursorSecret: secret, bucketSize: size };
}
