import { setTimeout as sleep } from "node:timers/promises";
import { type TestEngines, testEngines } from "@chainlog/engines";
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MigrationLockTimeoutError } from "../errors.ts";
import { migrate } from "./migrate.ts";
import type { Migration } from "./migrations.ts";

// The lock's own migrations, not the store's: this file tests the locking, whatever tables the store adds.
const Migrations: Migration[] = [
  {
    version: 1,
    name: "settings and a first table",
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.store_meta (k text PRIMARY KEY, v blob)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.first (id int PRIMARY KEY, v text)`,
    ],
  },
  {
    version: 2,
    name: "two more tables",
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.second (id int PRIMARY KEY, v text)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.third (id int, n int, PRIMARY KEY ((id), n))`,
    ],
  },
];

let engines: TestEngines;
const clients: cassandra.Client[] = [];
let keyspaces = 0;
const freshKeyspace = () => `migrate_test_${process.pid}_${Date.now().toString(36)}_${keyspaces++}`;

beforeAll(async () => {
  engines = await testEngines(["cassandra"]);
}, 600_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.shutdown()));
  await engines?.stop();
}, 120_000);

const newClient = () => {
  const client = new cassandra.Client({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    protocolOptions: { port: engines.cassandraPort },
  });
  clients.push(client);
  return client;
};

/** Counts the migrations a process actually applied (the holder logs each one as it starts it). */
const countingLogger = () => {
  const applied: number[] = [];
  return {
    applied,
    info(obj: object, msg?: string) {
      if (msg === "applying schema migration") applied.push((obj as { version: number }).version);
    },
    warn() {},
    error() {},
  };
};

const migrateWith = (
  client: cassandra.Client,
  keyspace: string,
  extra: Partial<Parameters<typeof migrate>[0]> = {},
) => {
  const logger = countingLogger();
  const done = migrate({
    client,
    keyspace,
    localDataCenter: engines.cassandraLocalDc,
    replicationFactor: 1,
    bucketSize: 16,
    logger,
    migrations: Migrations,
    ...extra,
  });
  return { logger, done };
};

/** The keyspace and lock table as migrate() creates them, with a lock row of a holder that is not running. */
async function lockHeldBy(client: cassandra.Client, keyspace: string, owner: string, ttlSeconds: number) {
  await client.execute(
    `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${engines.cassandraLocalDc}': 1}`,
  );
  await client.execute(`CREATE TABLE ${keyspace}.schema_lock (id int PRIMARY KEY, owner text)`);
  await client.execute(
    `INSERT INTO ${keyspace}.schema_lock (id, owner) VALUES (0, ?) USING TTL ${ttlSeconds}`,
    [owner],
  );
}

const appliedVersions = async (client: cassandra.Client, keyspace: string) =>
  (await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`)).rows
    .map((r) => Number(r.version))
    .sort((a, b) => a - b);

describe("migrate", () => {
  it("applies each migration once when several processes start at the same time, and all agree", async () => {
    const keyspace = freshKeyspace();
    const runs = [1, 2, 3, 4, 5].map((i) => migrateWith(newClient(), keyspace, { bucketSize: i * 10 }));
    const settings = await Promise.all(runs.map((r) => r.done));

    const applied = runs.flatMap((r) => r.logger.applied).sort((a, b) => a - b);
    expect(applied).toEqual(Migrations.map((m) => m.version));
    expect(await appliedVersions(clients[0]!, keyspace)).toEqual(Migrations.map((m) => m.version));
    // first writer wins: one bucket size and one cursor secret for every process
    expect(new Set(settings.map((s) => s.bucketSize)).size).toBe(1);
    expect(new Set(settings.map((s) => s.cursorSecret.toString("hex"))).size).toBe(1);
    const lock = await clients[0]!.execute(`SELECT owner FROM ${keyspace}.schema_lock WHERE id = 0`);
    expect(lock.rowLength).toBe(0);

    // a later start finds nothing to do
    const again = migrateWith(newClient(), keyspace);
    expect((await again.done).cursorSecret).toEqual(settings[0]!.cursorSecret);
    expect(again.logger.applied).toEqual([]);
  }, 180_000);

  it("takes over the lock of a holder that died, once its lease has expired", async () => {
    const keyspace = freshKeyspace();
    const client = newClient();
    await lockHeldBy(client, keyspace, "crashed-process", 4);
    const started = Date.now();
    const run = migrateWith(client, keyspace, { lockTimeoutMs: 30_000 });
    await run.done;
    // it waited for the lease instead of ignoring the lock
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(run.logger.applied).toEqual(Migrations.map((m) => m.version));
    expect(await appliedVersions(client, keyspace)).toEqual(Migrations.map((m) => m.version));
  }, 120_000);

  it("gives up with a clear error on a lock that shows no progress, having changed nothing", async () => {
    const keyspace = freshKeyspace();
    const client = newClient();
    await lockHeldBy(client, keyspace, "slow-process", 120);
    const run = migrateWith(client, keyspace, { lockTimeoutMs: 2000 });
    await expect(run.done).rejects.toBeInstanceOf(MigrationLockTimeoutError);
    expect(run.logger.applied).toEqual([]);
    expect(await appliedVersions(client, keyspace)).toEqual([]);
  }, 120_000);

  it("waits for a live holder that keeps renewing its lease, however long it takes", async () => {
    const keyspace = freshKeyspace();
    const client = newClient();
    await lockHeldBy(client, keyspace, "busy-process", 10);
    // the holder renews every 400 ms for 5 s (longer than the waiter's 2 s timeout), then releases
    const holder = (async () => {
      for (const until = Date.now() + 5000; Date.now() < until; ) {
        await sleep(400);
        await client.execute(
          `UPDATE ${keyspace}.schema_lock USING TTL 10 SET owner = 'busy-process' WHERE id = 0`,
        );
      }
      await client.execute(`DELETE FROM ${keyspace}.schema_lock WHERE id = 0`);
    })();
    const started = Date.now();
    const run = migrateWith(client, keyspace, { lockTimeoutMs: 2000 });
    await Promise.all([run.done, holder]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    expect(run.logger.applied).toEqual(Migrations.map((m) => m.version));
  }, 120_000);

  const timeout = () =>
    new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.writeTimeout, "CAS write timeout");
  /** The real client, but the first statement that `matches` gets `fault` instead of (or after) being sent. */
  const failingOnce = (
    real: cassandra.Client,
    matches: (cql: string) => boolean,
    fault: "after" | "before" | "slow",
    seen: string[],
  ) =>
    new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== "execute") return Reflect.get(target, prop, receiver);
        return async (cql: string, values?: unknown[], opts?: cassandra.QueryOptions) => {
          if (!matches(cql) || seen.includes(fault)) return target.execute(cql, values, opts);
          seen.push(fault);
          if (fault === "before") throw timeout();
          if (fault === "slow") {
            await sleep(5500);
            return target.execute(cql, values, opts);
          }
          await target.execute(cql, values, opts);
          throw timeout();
        };
      },
    });

  it("reads the lock back after an LWT timeout: an acquisition that applied counts as held", async () => {
    const keyspace = freshKeyspace();
    const real = newClient();
    const seen: string[] = [];
    // Paxos applied the acquisition, but the client heard a timeout (a coordinator overloaded after the commit).
    // A migrate that trusted the error would wait out its own 60 s lease, and fail at the 15 s lock timeout.
    const flaky = failingOnce(real, (cql) => cql.includes("schema_lock (id, owner)"), "after", seen);
    const run = migrateWith(flaky, keyspace, { lockTimeoutMs: 15_000, lockTtlSeconds: 60 });
    await run.done;
    expect(seen).toEqual(["after"]);
    expect(run.logger.applied).toEqual(Migrations.map((m) => m.version));
    expect(await appliedVersions(real, keyspace)).toEqual(Migrations.map((m) => m.version));
  }, 120_000);

  it("keeps the lock through a renewal that timed out, and runs nothing twice", async () => {
    const keyspace = freshKeyspace();
    const real = newClient();
    const seen: string[] = [];
    // a slow first table (a renewal is due after a quarter of the 20 s lease), then a renewal that never left the
    // client; the lease is long enough not to run out on a loaded machine, which would rightly restart the work
    const slow = failingOnce(real, (cql) => cql.includes(".first ("), "slow", seen);
    const flaky = failingOnce(
      slow,
      (cql) => cql.startsWith(`UPDATE ${keyspace}.schema_lock`),
      "before",
      seen,
    );
    const run = migrateWith(flaky, keyspace, { lockTimeoutMs: 15_000, lockTtlSeconds: 20 });
    await run.done;
    // (on a loaded machine the acquisition itself can take long enough that the first renewal comes earlier)
    expect([...seen].sort()).toEqual(["before", "slow"]);
    // a migrate that took the timeout for a lost lock would start version 1 again
    expect(run.logger.applied).toEqual(Migrations.map((m) => m.version));
  }, 120_000);

  it("does not retry a statement that is wrong, only ones that may succeed later", async () => {
    const client = newClient();
    const run = migrateWith(client, "migrate_test_bad", { localDataCenter: "no such dc'" });
    await expect(run.done).rejects.toBeInstanceOf(cassandra.errors.ResponseError);
  }, 60_000);
});
