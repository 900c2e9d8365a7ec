import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Engines, freeEnginePorts, startEngines } from "@chainlog/engines";
import type { ConsumedMessage } from "@chainlog/ports";
import { uniqueName, waitFor } from "@chainlog/ports/contract";
import { type ConsumerConfig, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsumer } from "./consume.ts";

// A private broker: this file kills and restarts it.
let engines: Engines;
let baseDir: string;

beforeAll(async () => {
  baseDir = mkdtempSync(join(tmpdir(), "chainlog-consume-recovery-"));
  engines = await startEngines({ nodes: 1, baseDir, engines: ["kafka"], ...(await freeEnginePorts(1)) });
}, 600_000);

afterAll(async () => {
  await engines?.stop();
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
}, 120_000);

describe("a consumer kafkajs gives up on", () => {
  it("is replaced, and the group goes on from its committed offsets", async () => {
    const kafka = new Kafka({
      brokers: engines.kafkaBrokers,
      clientId: uniqueName("recovery"),
      logLevel: logLevel.NOTHING,
    });
    // Every consumer this test makes gives up after one retry and never restarts itself: the state kafkajs
    // leaves a member in after a non-retriable crash.
    const consumerOf = kafka.consumer.bind(kafka);
    kafka.consumer = (config: ConsumerConfig) =>
      consumerOf({
        ...config,
        retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500, restartOnFailure: async () => false },
      });
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName("recovery");
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const received: string[] = [];
    const logs: { msg: string; obj: Record<string, unknown> }[] = [];
    const record = (obj: object, msg?: string) =>
      logs.push({ msg: msg ?? "", obj: obj as Record<string, unknown> });
    const sub = await startConsumer(
      kafka,
      admin,
      {
        topic,
        group: uniqueName("g"),
        onBatch: async (messages: ConsumedMessage[]) => {
          for (const m of messages) received.push(m.value.toString());
        },
      },
      {
        defaultMaxBatchSize: 100,
        retryBackoffMs: 200,
        maxRetryBackoffMs: 2_000,
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        joinTimeoutMs: 30_000,
      },
      { info: record, warn: record, error: record },
      async () => {
        throw new Error("this consumer publishes nothing");
      },
    );
    try {
      await producer.send({ topic, messages: [{ key: "k", value: "before" }] });
      await waitFor(() => received.includes("before"), "the message sent before the kill", 30_000);

      // (a member may already have been replaced while the group formed; only what follows the kill counts)
      const sinceKill = logs.length;
      await engines.killKafkaBroker(0);
      await waitFor(
        () =>
          logs.slice(sinceKill).some((l) => l.msg === "Kafka consumer crashed" && l.obj.restart === false),
        "a crash kafkajs does not restart from",
        60_000,
      );
      await engines.restartKafkaBroker(0);

      await producer.send({ topic, messages: [{ key: "k", value: "after" }] });
      await waitFor(() => received.includes("after"), "the message sent after the restart", 120_000);
      expect(logs.slice(sinceKill).some((l) => l.msg.startsWith("Kafka consumer replaced"))).toBe(true);
      // Delivery is at least once: "before" may come again if its commit was lost with the broker, "after" once.
      expect(received.filter((v) => v === "after")).toHaveLength(1);
    } finally {
      await sub.close();
      await producer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  }, 300_000);
});
