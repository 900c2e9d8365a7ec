import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumedMessage } from "@chainlog/ports";
import { waitFor } from "@chainlog/ports/contract";
import { describe, expect } from "vitest";
import { UnknownTopicError } from "./errors.ts";
import { createSqliteBus, type SqliteBus } from "./sqlite-bus.ts";
import { it } from "./test-support/temp-files.ts";

const messages = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `k${(from + i) % 4}`,
    value: Buffer.from([from + i]),
    headers: {},
  }));

/** Joins `group` on topic "t"; what it receives collects in `got`, and with `failing` every batch throws that. */
async function joinGroup(bus: SqliteBus, group: string, failing?: string) {
  const got: ConsumedMessage[] = [];
  const sub = await bus.consume({
    topic: "t",
    group,
    onBatch: async (b) => {
      if (failing) throw new Error(failing);
      got.push(...b);
    },
  });
  return { got, sub };
}

describe("SqliteBus retention and errors", () => {
  it("trim deletes only what every group committed; a new group starts at what is left", async ({ path }) => {
    const bus = createSqliteBus({ path });
    await bus.ensureTopics([{ name: "t", partitions: 2 }]);
    await bus.publish("t", messages(0, 20));
    expect(await bus.trim()).toEqual({ deleted: 0 });

    const fast = await joinGroup(bus, "fast");
    await waitFor(() => fast.got.length >= 20, "fast group");
    // "slow" has joined (its positions exist) but holds everything back while its handler fails.
    const slowFailing = await joinGroup(bus, "slow", "not yet");
    expect(await bus.trim()).toEqual({ deleted: 0 });
    await slowFailing.sub.close();

    const slow = await joinGroup(bus, "slow");
    await waitFor(() => slow.got.length >= 20, "slow group");
    await waitFor(async () => (await bus.consumerLag("t", "slow")) === 0, "slow committed");
    expect(await bus.trim()).toEqual({ deleted: 20 });
    expect(await bus.trim()).toEqual({ deleted: 0 });

    await bus.publish("t", messages(20, 4));
    const late = await joinGroup(bus, "late");
    await waitFor(() => late.got.length >= 4, "late group");
    expect(late.got.map((m) => m.value[0]).sort((a, b) => a! - b!)).toEqual([20, 21, 22, 23]);
    expect(await bus.consumerLag("t", "nobody")).toBe(4);
    await fast.sub.close();
    await slow.sub.close();
    await bus.close();
  });

  it("trims by itself, in bounded chunks, once every group has committed", async ({ path }) => {
    const bus = createSqliteBus({ path, retentionIntervalMs: 100 });
    await bus.ensureTopics([{ name: "t", partitions: 1 }]);
    const many = Array.from({ length: 25_000 }, (_, i) => ({
      key: "k",
      value: Buffer.from([i % 256]),
      headers: {},
    }));
    await bus.publish("t", many);
    let seen = 0;
    const sub = await bus.consume({
      topic: "t",
      group: "g",
      maxBatchSize: 5_000,
      onBatch: async (b) => {
        seen += b.length;
      },
    });
    await waitFor(() => seen >= 25_000, "25000 messages");
    // A group that never read anything counts what is still stored: nothing, once retention ran.
    await waitFor(async () => (await bus.consumerLag("t", "fresh")) === 0, "automatic trim");
    await bus.publish("t", many.slice(0, 3));
    expect(await bus.consumerLag("t", "fresh")).toBe(3);
    await sub.close();
    await bus.close();
  });

  it("forgets groups idle past the retention, so an abandoned reader does not pin the log", async ({
    path,
  }) => {
    const bus = createSqliteBus({ path });
    await bus.ensureTopics([{ name: "t", partitions: 1 }]);
    await bus.publish("t", messages(0, 5));
    const sub = await bus.consume({
      topic: "t",
      group: "abandoned",
      startFrom: "earliest",
      onBatch: async () => {
        throw new Error("stuck");
      },
    });
    await sub.close();
    expect(await bus.trim()).toEqual({ deleted: 0 });
    await sleep(20);
    // No group is left, and with no reader nothing is deleted: the log is kept for whoever comes first.
    expect(await bus.trim({ groupRetentionMs: 10 })).toEqual({ deleted: 0 });
    expect(await bus.consumerLag("t", "abandoned")).toBe(5);
    await bus.close();
  });

  it("names the problem for unknown topics, bad messages and a closed bus", async ({ path }) => {
    const bus = createSqliteBus({ path });
    await expect(bus.publish("missing", messages(0, 1))).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(bus.consume({ topic: "missing", group: "g", onBatch: async () => {} })).rejects.toThrow(
      /unknown topic "missing"/,
    );
    await bus.ensureTopics([{ name: "t", partitions: 1 }]);
    await expect(
      bus.publish("t", [{ key: "k", value: "not a buffer" as unknown as Buffer, headers: {} }]),
    ).rejects.toThrow(/message 0: value must be a Buffer/);
    await expect(bus.ensureTopics([{ name: "u", partitions: 0 }])).rejects.toThrow(/partitions/);
    expect(await bus.consumerLag("t", "g")).toBe(0);
    await bus.close();
    await expect(bus.publish("t", messages(0, 1))).rejects.toThrow(/closed/);
  });
});
