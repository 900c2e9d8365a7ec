import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import cassandra from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachEngines } from "./attach-engines.ts";
import { PortInUseError } from "./errors.ts";
import { freeEnginePorts } from "./free-engine-ports.ts";
import { isAlive } from "./process/pids.ts";
import { isListening } from "./process/ports.ts";
import { type Engines, startEngines } from "./start-engines.ts";
import { readState } from "./state.ts";

const baseDir = mkdtempSync(join(tmpdir(), "chainlog-engines-"));
let engines: Engines;
/** A client of the engines under test, quiet: the assertions say what went wrong. */
const kafkaClient = () =>
  new Kafka({ clientId: "engines-test", brokers: engines.kafkaBrokers, logLevel: logLevel.NOTHING });

describe("single-node engines", () => {
  beforeAll(async () => {
    const t = Date.now();
    engines = await startEngines({ nodes: 1, baseDir, ...(await freeEnginePorts(1)) });
    console.log(
      `single-node engines: install ${engines.timings.installMs} ms, start ${engines.timings.startMs} ms, total ${Date.now() - t} ms`,
    );
  }, 900_000);

  afterAll(async () => {
    await engines?.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }, 120_000);

  it("produces and consumes a Kafka message", async () => {
    const kafka = kafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "engines-test", numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: "engines-test", acks: -1, messages: [{ key: "1:42", value: "hello" }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: "engines-test" });
    await consumer.connect();
    await consumer.subscribe({ topic: "engines-test", fromBeginning: true });
    const received = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no message within 60 s")), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(`${message.key?.toString()}=${message.value?.toString()}`);
        },
      });
    });
    await consumer.disconnect();
    expect(received).toBe("1:42=hello");
  }, 120_000);

  it("refuses to auto-create a topic on produce", async () => {
    const kafka = kafkaClient();
    const producer = kafka.producer({ allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();
    await expect(producer.send({ topic: "never-created", messages: [{ value: "x" }] })).rejects.toThrow();
    await producer.disconnect();
  }, 60_000);

  it("writes and reads a Cassandra row", async () => {
    const client = new cassandra.Client({
      contactPoints: engines.cassandraContactPoints,
      localDataCenter: engines.cassandraLocalDc,
      protocolOptions: { port: engines.cassandraPort },
      encoding: { useBigIntAsLong: true },
    });
    await client.connect();
    try {
      await client.execute(
        "CREATE KEYSPACE IF NOT EXISTS engines_test WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}",
      );
      await client.execute(
        "CREATE TABLE IF NOT EXISTS engines_test.blocks (number bigint PRIMARY KEY, hash text)",
      );
      await client.execute("INSERT INTO engines_test.blocks (number, hash) VALUES (?, ?)", [42n, "0xabc"], {
        prepare: true,
        consistency: cassandra.types.consistencies.localQuorum,
      });
      const rs = await client.execute("SELECT hash FROM engines_test.blocks WHERE number = ?", [42n], {
        prepare: true,
      });
      expect(rs.first()?.get("hash")).toBe("0xabc");
    } finally {
      await client.shutdown();
    }
  }, 120_000);

  it("inserts and finds a MongoDB document", async () => {
    const client = new MongoClient(engines.mongoUrl);
    await client.connect();
    try {
      const users = client.db("engines_test").collection<{ _id: string; email: string }>("users");
      await users.insertOne({ _id: "u1", email: "a@example.org" });
      expect(await users.findOne({ _id: "u1" })).toEqual({ _id: "u1", email: "a@example.org" });
      await expect(users.insertOne({ _id: "u1", email: "dup@example.org" })).rejects.toThrow(
        /duplicate key/i,
      );
    } finally {
      await client.close();
    }
  }, 60_000);

  it("kills and restarts engines from another process and through attachEngines, keeping their data", async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "cli.ts"), ...args],
        {
          timeout: 120_000,
        },
      );
    const { stdout } = await cli("kill", "ferretdb", "--base-dir", baseDir);
    expect(stdout).toMatch(/killed ferretdb/);
    const probe = new MongoClient(engines.mongoUrl, { serverSelectionTimeoutMS: 1000 });
    await expect(probe.connect()).rejects.toThrow();
    await probe.close();

    await attachEngines({ baseDir }).restartMongo();
    const client = new MongoClient(engines.mongoUrl);
    await client.connect();
    expect(await client.db("engines_test").collection("users").countDocuments()).toBe(1);
    await client.close();

    await engines.killKafkaBroker(0);
    await engines.restartKafkaBroker(0);
    const kafka = kafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets("engines-test");
    await admin.disconnect();
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(1);
  }, 300_000);

  it("refuses a second start on taken ports, and `engines down` from another process stops everything", async () => {
    await expect(
      startEngines({
        nodes: 1,
        baseDir: join(baseDir, "second"),
        engines: ["mongo"],
        mongoPort: Number(new URL(engines.mongoUrl).port),
      }),
    ).rejects.toBeInstanceOf(PortInUseError);

    const state = readState(baseDir);
    const pids = Object.values(state?.processes ?? {}).map((p) => p.pid);
    expect(pids).toHaveLength(3);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "cli.ts"), "down", "--base-dir", baseDir],
      { timeout: 90_000 },
    );
    expect(stdout).toMatch(/stopped .*ferretdb/);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(readState(baseDir)).toBeUndefined();
    const [host, port] = (engines.kafkaBrokers[0] ?? "").split(":");
    expect(await isListening(host ?? "", Number(port))).toBe(false);
  }, 120_000);
});
