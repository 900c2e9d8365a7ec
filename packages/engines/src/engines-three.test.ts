import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cassandra from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freeEnginePorts } from "./free-engine-ports.ts";
import { isAlive } from "./process/pids.ts";
import { type Engines, startEngines } from "./start-engines.ts";
import { readState } from "./state.ts";

// Three JVMs of each kind: ~4 GB and a few minutes on 2 cores, so opt-in.
const enabled = process.env.CHAINLOG_ENGINES_THREE === "1";
let baseDir: string;
let engines: Engines;
/** A client of the engines under test, quiet: the assertions say what went wrong. */
const kafkaClient = () =>
  new Kafka({ clientId: "engines3", brokers: engines.kafkaBrokers, logLevel: logLevel.NOTHING });
let cql: cassandra.Client;
const eventually = <T>(fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> =>
  vi.waitFor(fn, { timeout: timeoutMs, interval: 500 });
const t = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

describe.runIf(enabled)("three-node engines", () => {
  beforeAll(async () => {
    const since = Date.now();
    baseDir = mkdtempSync(join(tmpdir(), "chainlog-engines3-"));
    engines = await startEngines({ nodes: 3, baseDir, ...(await freeEnginePorts(3)) });
    console.log(`three-node engines up in ${t(since)} (install ${engines.timings.installMs} ms)`);
    cql = new cassandra.Client({
      contactPoints: engines.cassandraContactPoints,
      localDataCenter: engines.cassandraLocalDc,
      protocolOptions: { port: engines.cassandraPort },
      encoding: { useBigIntAsLong: true },
      policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500) },
    });
    await cql.connect();

    // kafkajs' createTopics({ waitForLeaders }) gives up when a loaded broker hasn't learnt of the topic yet:
    // wait for every partition to have a leader and 3 in-sync replicas instead
    const admin = kafkaClient().admin();
    await admin.connect();
    await eventually(() => admin.createTopics({ topics: [{ topic: "engines3", numPartitions: 3 }] }));
    await eventually(async () => {
      const [meta] = (await admin.fetchTopicMetadata({ topics: ["engines3"] })).topics;
      if (meta?.partitions.length !== 3 || meta.partitions.some((p) => p.leader < 0 || p.isr.length < 3))
        throw new Error("engines3 not fully replicated yet");
    }, 120_000);
    await admin.disconnect();
    await cql.execute(
      "CREATE KEYSPACE IF NOT EXISTS engines3 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
    );
    await cql.execute("CREATE TABLE IF NOT EXISTS engines3.kv (k text PRIMARY KEY, v text)");
  }, 1_200_000);

  afterAll(async () => {
    await cql?.shutdown();
    const state = baseDir ? readState(baseDir) : undefined;
    const pids = Object.values(state?.processes ?? {}).map((p) => p.pid);
    await engines?.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  }, 180_000);

  it("runs 3 brokers that replicate topics 3-fold with min ISR 2, and 3 Cassandra nodes", async () => {
    expect(engines.kafkaBrokers).toHaveLength(3);
    expect(engines.cassandraContactPoints).toEqual([
      expect.stringMatching(/^127\.0\.0\.1:/),
      expect.stringMatching(/^127\.0\.0\.2:/),
      expect.stringMatching(/^127\.0\.0\.3:/),
    ]);
    const admin = kafkaClient().admin();
    await admin.connect();
    const [meta] = (await admin.fetchTopicMetadata({ topics: ["engines3"] })).topics;
    for (const p of meta?.partitions ?? []) {
      expect(p.replicas).toHaveLength(3);
      expect(p.isr).toHaveLength(3);
    }
    // a broker other than the one that created the topic may learn of it a moment later
    const configs = await eventually(() =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: "engines3", configNames: ["min.insync.replicas"] }],
      }),
    );
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe("2");
    await admin.disconnect();

    await cql.execute("INSERT INTO engines3.kv (k, v) VALUES ('a', '1')", [], {
      consistency: cassandra.types.consistencies.all,
    });
    const rs = await cql.execute("SELECT v FROM engines3.kv WHERE k = 'a'", [], {
      consistency: cassandra.types.consistencies.all,
    });
    expect(rs.first()?.get("v")).toBe("1");

    const mongo = new MongoClient(engines.mongoUrl);
    await mongo.connect();
    await mongo.db("engines3").collection("c").insertOne({ x: 1 });
    expect(await mongo.db("engines3").collection("c").countDocuments()).toBe(1);
    await mongo.close();
  }, 300_000);

  it("keeps accepting acks=all writes and QUORUM writes with one broker and one node SIGKILLed, then heals", async () => {
    const kafka = kafkaClient();
    // a crashed broker stays the partition leader until the controller fences it (broker.session.timeout.ms,
    // 9 s): the producer must keep retrying for longer than that
    const producer = kafka.producer({
      idempotent: true,
      retry: { retries: 12, initialRetryTime: 500, maxRetryTime: 10_000 },
    });
    await producer.connect();

    let since = Date.now();
    await engines.killKafkaBroker(1);
    await engines.killCassandraNode(2);
    console.log(`killed broker 2 and node 3 in ${t(since)}`);

    await producer.send({ topic: "engines3", acks: -1, messages: [{ key: "k", value: "during-fault" }] });
    await cql.execute("INSERT INTO engines3.kv (k, v) VALUES ('b', '2')", [], {
      consistency: cassandra.types.consistencies.quorum,
    });
    await expect(
      cql.execute("INSERT INTO engines3.kv (k, v) VALUES ('c', '3')", [], {
        consistency: cassandra.types.consistencies.all,
      }),
    ).rejects.toThrow();

    since = Date.now();
    await engines.restartKafkaBroker(1);
    console.log(`broker 2 back in ${t(since)}`);
    since = Date.now();
    await engines.restartCassandraNode(2);
    console.log(`node 3 back in ${t(since)}`);

    await producer.send({ topic: "engines3", acks: -1, messages: [{ key: "k", value: "after-fault" }] });
    await producer.disconnect();
    await cql.execute("INSERT INTO engines3.kv (k, v) VALUES ('d', '4')", [], {
      consistency: cassandra.types.consistencies.all,
    });

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets("engines3");
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2);
    await admin.disconnect();
  }, 900_000);
});
