import { setTimeout as sleep } from "node:timers/promises";
import { enginesForFile } from "@chainlog/engines/vitest";
import { describeBusContract, uniqueName, waitFor } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { describe, expect, it } from "vitest";
import { createKafkaBus, type KafkaBusParameters } from "./create-kafka-bus.ts";

const logger = createLogger("kafka-bus-test", process.env.TEST_LOG_LEVEL ?? "silent");

const engines = enginesForFile(["kafka"]);

/** A bus on the file's broker, its client id unique to the test. */
const busFor = (name: string, options: Partial<KafkaBusParameters> = {}) =>
  createKafkaBus({ logger, brokers: engines.kafkaBrokers, clientId: uniqueName(name), ...options });

const open = async () => {
  const bus = busFor("contract");
  return { bus, cleanup: () => bus.close() };
};

describeBusContract("KafkaBus", open);

describe("KafkaBus specifics", () => {
  it("ensureTopics is idempotent and refuses a bad spec", async () => {
    const { bus, cleanup } = await open();
    try {
      const name = uniqueName("topics");
      await bus.ensureTopics([{ name, partitions: 3 }]);
      await bus.ensureTopics([{ name, partitions: 3 }]);
      await Promise.all([
        bus.ensureTopics([{ name, partitions: 3 }]),
        bus.ensureTopics([{ name, partitions: 3 }]),
      ]);
      await expect(bus.ensureTopics([{ name: uniqueName("bad"), partitions: 0 }])).rejects.toThrow(
        /partitions/,
      );
      await expect(
        bus.ensureTopics([{ name: uniqueName("bad"), partitions: 1, replicationFactor: 3 }]),
      ).rejects.toThrow();
    } finally {
      await cleanup();
    }
  }, 90_000);

  it("publish to a topic nobody created fails instead of auto-creating it", async () => {
    const bus = busFor("nope", { retries: 2 });
    try {
      await expect(
        bus.publish(uniqueName("missing"), [{ key: "k", value: Buffer.from("v"), headers: {} }]),
      ).rejects.toThrow();
    } finally {
      await bus.close();
    }
  }, 120_000);

  it("heartbeats through a batch longer than the session timeout: no rebalance, no redelivery", async () => {
    const bus = busFor("slow", { sessionTimeoutMs: 10_000 });
    try {
      const name = uniqueName("slow");
      const group = uniqueName("g");
      await bus.ensureTopics([{ name, partitions: 1 }]);
      await bus.publish(
        name,
        Array.from({ length: 3 }, (_, i) => ({ key: "k", value: Buffer.from(String(i)), headers: {} })),
      );
      const seen: string[] = [];
      const sub = await bus.consume({
        topic: name,
        group,
        onBatch: async (batch) => {
          // longer than the 10 s session: only heartbeats sent meanwhile keep the partition with this member
          if (seen.length === 0) await sleep(14_000);
          seen.push(...batch.map((m) => m.value.toString()));
        },
      });
      await waitFor(
        async () => (await bus.consumerLag(name, group)) === 0,
        "the slow batch to commit",
        60_000,
      );
      await sleep(1_000);
      await sub.close();
      expect(seen).toEqual(["0", "1", "2"]);
    } finally {
      await bus.close();
    }
  }, 90_000);

  it("carries messages past Kafka's 1 MB default, in order, in one publish", async () => {
    const bus = busFor("big");
    try {
      const name = uniqueName("big");
      const group = uniqueName("g");
      await bus.ensureTopics([{ name, partitions: 1 }]);
      // Random bytes do not compress: a 3 MB value really is 3 MB on the wire, and 8 × 400 KB is one publish
      // that only fits as several record batches.
      const { randomBytes } = await import("node:crypto");
      const values = [
        randomBytes(3 * 1024 * 1024),
        ...Array.from({ length: 8 }, () => randomBytes(400 * 1024)),
      ];
      await bus.publish(
        name,
        values.map((value, i) => ({ key: "k", value, headers: { i: String(i) } })),
      );
      const seen: Buffer[] = [];
      const sub = await bus.consume({
        topic: name,
        group,
        onBatch: async (batch) => void seen.push(...batch.map((m) => m.value)),
      });
      await waitFor(async () => seen.length === values.length, "every large message", 60_000);
      await sub.close();
      expect(Buffer.concat(seen).equals(Buffer.concat(values))).toBe(true);
    } finally {
      await bus.close();
    }
  }, 120_000);

  it("a closed bus refuses work, and a second close is harmless", async () => {
    const { bus } = await open();
    const name = uniqueName("closed");
    await bus.ensureTopics([{ name, partitions: 1 }]);
    await bus.publish(name, [{ key: "k", value: Buffer.from("v"), headers: {} }]);
    await waitFor(async () => (await bus.consumerLag(name, "g")) === 1, "lag 1");
    await bus.close();
    await bus.close();
    await expect(bus.publish(name, [])).rejects.toThrow(/closed/);
  }, 90_000);
});
