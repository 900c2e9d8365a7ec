import { randomBytes, randomUUID } from "node:crypto";
import type { AdapterLogger } from "@chainlog/ports";
import { retry, sleep } from "@chainlog/telemetry";
import { ChainlogError } from "@chainlog/tx-schema";
import cassandra, { type Client } from "cassandra-driver";
import { MigrationLockTimeoutError } from "../errors.ts";
import { type Migration, Migrations } from "./migrations.ts";

export interface ApplyMigrationsParameters {
  client: Client;
  keyspace: string;
  localDataCenter: string;
  replicationFactor: number;
  logger: AdapterLogger;
  /** How long to wait on another process's lock that shows no progress. Default 180 s (> the lock's TTL). */
  lockTimeoutMs?: number;
  /** Lease of the migration lock: a holder that dies loses it after this long. Default 60 s. */
  lockTtlSeconds?: number;
  /** Default: the store's migrations. */
  migrations?: Migration[];
}

export interface MigrateParameters extends ApplyMigrationsParameters {
  bucketSize: number;
}

export interface StoreSettings {
  cursorSecret: Buffer;
  bucketSize: number;
  /** This start found the keyspace without its first migration: everything in it was written by this version. */
  created: boolean;
}

/** The lock was taken over (our lease ran out): stop applying, and go back to waiting. */
export class MigrationLockLostError extends ChainlogError {
  override name = "MigrationLockLostError";
  constructor(keyspace: string) {
    super(`lost the schema migration lock of ${keyspace} (its lease expired)`);
  }
}

const { consistencies, responseErrorCodes: codes } = cassandra.types;
const quorum = { prepare: true, consistency: consistencies.localQuorum };
const lwt = { ...quorum, serialConsistency: consistencies.localSerial };
const serialRead = { prepare: true, consistency: consistencies.localSerial };
const CasWriteUnknown = 0x1700; // protocol v5's ambiguous LWT outcome; v4 reports a write timeout instead

/**
 * Errors after which the statement may well succeed if sent again: timeouts, too few replicas up, an overloaded
 * or starting node, no reachable coordinator. For an LWT, all of these are ambiguous: it may have applied.
 */
export function isTransientCassandraError(error: unknown): boolean {
  if (error instanceof cassandra.errors.NoHostAvailableError) return true;
  if (error instanceof cassandra.errors.OperationTimedOutError) return true;
  if (error instanceof cassandra.errors.BusyConnectionError) return true;
  if (!(error instanceof cassandra.errors.ResponseError)) return false;
  return [
    codes.writeTimeout,
    codes.readTimeout,
    codes.unavailableException,
    codes.overloaded,
    codes.isBootstrapping,
    codes.writeFailure,
    codes.readFailure,
    CasWriteUnknown,
  ].includes(error.code);
}

/** Full jitter, so racing processes do not retry in lockstep. */
const backoff = { firstDelayMs: 100, maxDelayMs: 4000, jitter: true };
/** Transient errors are retried for as long as a lock wait may take. */
const transientUntil = (giveUp: number) => (error: unknown) =>
  isTransientCassandraError(error) && Date.now() <= giveUp;

/** Runs idempotent statements, retrying through transient errors for as long as a lock wait may take. */
function retryingRunner(p: ApplyMigrationsParameters) {
  const { client, keyspace: ks, logger } = p;
  const lockTimeoutMs = p.lockTimeoutMs ?? 180_000;
  const retrying = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    retry(fn, {
      ...backoff,
      retryable: transientUntil(Date.now() + lockTimeoutMs),
      onRetry: (error, attempt) => logger.warn({ keyspace: ks, attempt, err: error }, `retrying ${what}`),
    });
  return (cql: string, values: unknown[] = [], opts: object = quorum) =>
    retrying(cql.slice(0, 60), () => client.execute(cql, values, opts));
}

/**
 * Creates the keyspace and applies the store's migrations, then returns the keyspace's settings, fixed at
 * creation (bucket size, cursor secret).
 */
export async function migrate(p: MigrateParameters): Promise<StoreSettings> {
  const created = await applyMigrations(p);
  return { ...(await settings(p.keyspace, p.bucketSize, retryingRunner(p))), created };
}

/**
 * Creates the keyspace and applies the missing migrations of the given list, once, whatever the number of processes starting at
 * the same time. Schema changes racing on several coordinators can disagree, so they run under a lightweight-
 * transaction (Paxos) lock with a lease: between statements the holder renews it and stops if it lost it, a
 * crashed holder's lease expires, and the others wait as long as the holder shows progress. Timeouts and unavailable replicas are retried with
 * backoff; an LWT that timed out may still have applied, so the lock's real state is read back (at SERIAL)
 * before deciding anything. Answers whether this call found the list's first migration missing (a new keyspace).
 */
export async function applyMigrations(p: ApplyMigrationsParameters): Promise<boolean> {
  const { client, keyspace: ks, logger } = p;
  const ttl = p.lockTtlSeconds ?? 60;
  const migrations = p.migrations ?? Migrations;
  const lockTimeoutMs = p.lockTimeoutMs ?? 180_000;
  const run = retryingRunner(p);

  // DDL outside the lock (the lock needs a table): IF NOT EXISTS, and the same definitions everywhere
  await run(
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', '${p.localDataCenter}': ${p.replicationFactor}}`,
  );
  await run(
    `CREATE TABLE IF NOT EXISTS ${ks}.schema_migrations (version int PRIMARY KEY, name text, applied_at timestamp)`,
  );
  await run(`CREATE TABLE IF NOT EXISTS ${ks}.schema_lock (id int PRIMARY KEY, owner text)`);

  const pending = async () => {
    const rs = await run(`SELECT version FROM ${ks}.schema_migrations`);
    const applied = new Set(rs.rows.map((r) => Number(r.version)));
    return migrations.filter((m) => !applied.has(m.version));
  };
  const owner = randomUUID();
  /** The lock's owner as Paxos sees it; a SERIAL read also completes an in-flight round (a timed-out LWT). */
  const lockOwner = async (): Promise<string | null> => {
    const rs = await run(`SELECT owner FROM ${ks}.schema_lock WHERE id = 0`, [], serialRead);
    return rs.first()?.owner ?? null;
  };
  /** Runs a lock LWT; on an ambiguous failure decides from the read-back owner whether we hold the lock. */
  const lockLwt = (cql: string, values: unknown[]): Promise<boolean> =>
    retry(
      async (attempt) => {
        // after a failed try, the read-back decides: a timed-out LWT may have applied
        if (attempt > 0 && (await lockOwner()) === owner) return true;
        const rs = await client.execute(cql, values, lwt);
        // not applied: the row as it is, so a retried INSERT that had applied shows our own owner
        return rs.wasApplied() || rs.first()?.owner === owner;
      },
      {
        ...backoff,
        retryable: transientUntil(Date.now() + lockTimeoutMs),
        onRetry: (error, attempt) =>
          logger.warn({ keyspace: ks, attempt, err: error }, "schema lock LWT failed, reading it back"),
      },
    );
  const acquire = () =>
    lockLwt(`INSERT INTO ${ks}.schema_lock (id, owner) VALUES (0, ?) IF NOT EXISTS USING TTL ${ttl}`, [
      owner,
    ]);
  let renewedAt = 0;
  /** Extends the lease once a quarter of it is used: each renewal is a Paxos round, slow on a loaded ring. */
  const renew = async () => {
    if (Date.now() - renewedAt < (ttl * 1000) / 4) return;
    const held = await lockLwt(
      `UPDATE ${ks}.schema_lock USING TTL ${ttl} SET owner = ? WHERE id = 0 IF owner = ?`,
      [owner, owner],
    );
    if (!held) throw new MigrationLockLostError(ks);
    renewedAt = Date.now();
  };
  const release = async () => {
    try {
      await lockLwt(`DELETE FROM ${ks}.schema_lock WHERE id = 0 IF owner = ?`, [owner]);
    } catch (error) {
      // the lease expires by itself; the others only wait a little longer
      logger.warn({ keyspace: ks, err: error }, "could not release the schema lock");
    }
  };

  /** What a waiter sees change while the holder works: its renewals (write time) and the applied versions. */
  const progressMark = async (pendingCount: number) => {
    const rs = await run(`SELECT owner, writetime(owner) AS wt FROM ${ks}.schema_lock WHERE id = 0`);
    const row = rs.first();
    return `${pendingCount}|${row?.owner ?? ""}|${row?.wt ?? ""}`;
  };

  // A waiter gives up only when the lock shows no progress for lockTimeoutMs: a slow ring may take minutes
  // for a long migration, and the holder renews its lease as it goes.
  let deadline = Date.now() + lockTimeoutMs;
  let lastMark = "";
  let created = false;
  for (let attempt = 0; ; attempt++) {
    const missing = await pending();
    if (missing.some((m) => m.version === 1)) created = true;
    const todo = missing.length;
    if (todo === 0) break;
    const acquiredAt = Date.now();
    if (await acquire()) {
      renewedAt = acquiredAt;
      try {
        // re-read under the lock: the previous holder may have applied some meanwhile
        for (const m of await pending()) {
          logger.info({ keyspace: ks, version: m.version, migration: m.name }, "applying schema migration");
          // the renewal is also the fence: a holder that lost its lease stops before its next statement
          for (const cql of m.statements(ks)) {
            await renew();
            await run(cql);
          }
          if (!(await schemaAgreement(client, 30_000)))
            logger.warn({ keyspace: ks, version: m.version }, "no schema agreement after 30 s, going on");
          await renew();
          await run(`INSERT INTO ${ks}.schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [
            m.version,
            m.name,
            new Date(),
          ]);
        }
      } catch (error) {
        if (!(error instanceof MigrationLockLostError)) throw error;
        logger.warn({ keyspace: ks, err: error }, "schema migration lock lost; waiting for it again");
        continue;
      } finally {
        await release();
      }
      break;
    }
    const mark = await progressMark(todo);
    if (mark !== lastMark) {
      lastMark = mark;
      deadline = Date.now() + lockTimeoutMs;
    } else if (Date.now() > deadline) throw new MigrationLockTimeoutError(ks, lockTimeoutMs);
    await sleep(250 + Math.random() * Math.min(2000, 250 * attempt));
  }
  return created;
}

/**
 * Waits (bounded) until the nodes report one schema version, so the services' first statements find the new
 * tables on any coordinator. The driver waits 10 s after each DDL; a loaded ring can take longer.
 */
async function schemaAgreement(client: Client, waitMs: number): Promise<boolean> {
  const metadata = client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
  const until = Date.now() + waitMs;
  for (;;) {
    if (await metadata.checkSchemaAgreement()) return true;
    if (Date.now() > until) return false;
    await sleep(500);
  }
}

/** First writer wins (LWT), so every process on the keyspace reads the same values. */
async function settings(
  ks: string,
  bucketSize: number,
  run: (cql: string, values?: unknown[], opts?: object) => Promise<cassandra.types.ResultSet>,
): Promise<Omit<StoreSettings, "created">> {
  // re-sending an INSERT IF NOT EXISTS after a timeout is safe: whichever write won, exactly one value stays
  const put = (k: string, v: Buffer) =>
    run(`INSERT INTO ${ks}.store_meta (k, v) VALUES (?, ?) IF NOT EXISTS`, [k, v], lwt);
  await put("cursor_secret", randomBytes(32));
  await put("bucket_size", Buffer.from(String(bucketSize)));
  // serial read: sees the winning lightweight-transaction values
  const rs = await run(`SELECT k, v FROM ${ks}.store_meta`, [], serialRead);
  const meta = new Map(rs.rows.map((r) => [String(r.k), r.v as Buffer]));
  const secret = meta.get("cursor_secret");
  const size = Number(meta.get("bucket_size")?.toString());
  if (!secret || !Number.isSafeInteger(size) || size < 1) throw new Error(`${ks}.store_meta is incomplete`);
  return { cursorSecret: secret, bucketSize: size };
}
