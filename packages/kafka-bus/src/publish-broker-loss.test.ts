import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Engines, freeEnginePorts, startEngines } from "@chainlog/engines";
import { uniqueName, waitFor } from "@chainlog/ports/contract";
import { createLogger, retry } from "@chainlog/telemetry";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafkaBus, type KafkaBus } from "./create-kafka-bus.ts";

// Three brokers of its own (this file kills one): ~1–2 min to start on 2 cores.
let engines: Engines;
let baseDir: string;
const logger = createLogger("kafka-bus-test", process.env.TEST_LOG_LEVEL ?? "silent");

beforeAll(async () => {
  baseDir = mkdtempSync(join(tmpdir(), "chainlog-publish-loss-"));
  engines = await startEngines({ nodes: 3, baseDir, engines: ["kafka"], ...(await freeEnginePorts(3)) });
}, 900_000);

afterAll(async () => {
  await engines?.stop();
  if (baseDir) rmSync(baseDir, { recursive: true, force: true });
}, 120_000);

describe("publishing while a broker is SIGKILLed (RF 3, min ISR 2)", () => {
  it("every acknowledged message is in the topic: none is dropped when leaders move mid-send", async () => {
    const topic = uniqueName("loss");
    const bus: KafkaBus = createKafkaBus({
      brokers: engines.kafkaBrokers,
      clientId: uniqueName("loss"),
      logger,
      replicationFactor: 3,
    });
    await bus.ensureTopics([{ name: topic, partitions: 8 }]);

    // A publisher as ingest is one: batches spanning every partition (so every broker), each retried until
    // acknowledged; the kill lands while sends are in flight.
    const acknowledged: string[] = [];
    let stop = false;
    let seq = 0;
    const publisher = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 40 }, () => `m${seq++}`);
        await retry(
          () =>
            bus.publish(
              topic,
              batch.map((key) => ({ key, value: Buffer.from(key), headers: {} })),
            ),
          { firstDelayMs: 200, maxDelayMs: 2000 },
        );
        acknowledged.push(...batch);
      }
    })();
    try {
      await waitFor(() => acknowledged.length >= 2000, "2,000 messages acknowledged", 60_000, 100);
      await engines.killKafkaBroker(1);
      const atKill = acknowledged.length;
      // the controller fences the dead broker and moves its leaderships; publishing goes on through that
      await waitFor(() => acknowledged.length >= atKill + 4000, "4,000 more after the kill", 240_000, 100);
    } finally {
      stop = true;
      await publisher;
    }

    const kafka = new Kafka({
      brokers: engines.kafkaBrokers,
      clientId: "reader",
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: uniqueName("reader") });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.add(message.key?.toString() ?? "");
      },
    });
    try {
      await waitFor(
        () => acknowledged.every((k) => seen.has(k)),
        "every message read back",
        60_000,
        200,
      ).catch(() => {});
    } finally {
      await consumer.disconnect();
      await bus.close();
    }
    const missing = acknowledged.filter((k) => !seen.has(k));
    expect({
      acknowledged: acknowledged.length,
      missing: missing.slice(0, 20),
      lost: missing.length,
    }).toEqual({
      acknowledged: acknowledged.length,
      missing: [],
      lost: 0,
    });
  }, 900_000);
});
