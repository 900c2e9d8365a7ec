import type { Admin } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createPartitionRouter } from "./partition-router.ts";

/** An admin that only answers metadata, counting the calls: the router's logic is pure apart from that. */
function fakeAdmin(partitionCounts: Record<string, number>) {
  const calls: string[] = [];
  const admin = {
    async fetchTopicMetadata({ topics }: { topics: string[] }) {
      calls.push(...topics);
      return {
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({ length: partitionCounts[name] ?? 0 }, (_, partitionId) => ({
            partitionId,
            leader: partitionId % 3,
            replicas: [0, 1, 2],
            isr: [0, 1, 2],
            partitionErrorCode: 0,
          })),
        })),
      };
    },
  } as unknown as Admin;
  return { admin, calls };
}

const msg = (key: string) => ({ key, value: Buffer.from(key), headers: {} });

describe("createPartitionRouter", () => {
  it("gives a key the same partition every time and keeps each partition's messages in order", async () => {
    const { admin } = fakeAdmin({ t: 8 });
    const router = createPartitionRouter(async () => admin);
    const keys = Array.from({ length: 200 }, (_, i) => `1:${i}`);
    const routed = await router.route("t", keys.map(msg));

    expect([...routed.values()].flat()).toHaveLength(200);
    expect([...routed.keys()].every((p) => p >= 0 && p < 8)).toBe(true);
    // murmur2 spreads 200 keys over all 8 partitions
    expect(routed.size).toBe(8);
    for (const list of routed.values()) {
      const order = list.map((m) => keys.indexOf(m.key));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const again = await router.route("t", keys.slice(0, 50).map(msg));
    for (const [partition, list] of again)
      for (const m of list) expect(routed.get(partition)?.map((x) => x.key)).toContain(m.key);
  });

  it("asks for a topic's partitions once, again after forget(), and refuses a topic with none", async () => {
    const { admin, calls } = fakeAdmin({ t: 4 });
    const router = createPartitionRouter(async () => admin);
    await router.route("t", [msg("a")]);
    await router.route("t", [msg("b")]);
    expect(calls).toEqual(["t"]);
    router.forget("t");
    await router.route("t", [msg("c")]);
    expect(calls).toEqual(["t", "t"]);

    await expect(router.route("missing", [msg("a")])).rejects.toThrow(/no partitions/);
    // a failed lookup is not cached
    await expect(router.route("missing", [msg("a")])).rejects.toThrow(/no partitions/);
    expect(calls.filter((t) => t === "missing")).toHaveLength(2);
  });
});
