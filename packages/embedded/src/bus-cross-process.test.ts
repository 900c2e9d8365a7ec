import { once } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumedMessage } from "@chainlog/ports";
import { waitFor } from "@chainlog/ports/contract";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSqliteBus, type SqliteBus } from "./sqlite-bus.ts";
import { tempDir } from "./temp-dir.ts";
import { killWorker, killWorkers, startWorker } from "./test-support/spawn-worker.ts";

const startBusWorker = (args: string[]) => startWorker("./bus-worker.ts", args);

const parse = (m: ConsumedMessage) => JSON.parse(m.value.toString()) as { i: number; pid: number };

describe("SqliteBus across processes", () => {
  const tmp = tempDir();
  const path = join(tmp.dir, "bus.db");
  let bus: SqliteBus | null = null;

  afterEach(async () => {
    killWorkers();
    await bus?.close();
    bus = null;
  });
  afterAll(() => tmp.remove());

  it("a child process publishes while this one consumes, in per-key order", async () => {
    bus = createSqliteBus({ path });
    await bus.ensureTopics([{ name: "xp", partitions: 3 }]);
    const got: ConsumedMessage[] = [];
    await bus.consume({ topic: "xp", group: "parent", onBatch: async (b) => void got.push(...b) });
    const w = startBusWorker(["publish", path, "xp", "150"]);
    const [code] = await once(w.child, "exit");
    expect(code, w.stderr()).toBe(0);
    await waitFor(() => got.length >= 150, "150 messages from the child", 20_000);
    const perKey = new Map<string, number[]>();
    for (const m of got) perKey.set(m.key, [...(perKey.get(m.key) ?? []), parse(m).i]);
    for (const seq of perKey.values()) expect(seq).toEqual([...seq].sort((a, b) => a - b));
    expect(new Set(got.map((m) => parse(m).i)).size).toBe(150);
  }, 60_000);

  it("a publisher SIGKILLed right after publish resolved loses nothing it was told was stored", async () => {
    const w = startBusWorker(["publish", path, "killed", "0"]);
    await waitFor(() => w.lines.length >= 80, "80 acknowledged publishes", 30_000);
    await killWorker(w.child);
    const acked = w.lines.filter((l) => l.startsWith("acked ")).map((l) => Number(l.slice(6)));

    bus = createSqliteBus({ path });
    const got: ConsumedMessage[] = [];
    await bus.consume({ topic: "killed", group: "after-crash", onBatch: async (b) => void got.push(...b) });
    await waitFor(() => got.length >= acked.length, `${acked.length} acknowledged messages`, 20_000);
    const stored = new Set(got.map((m) => parse(m).i));
    for (const i of acked) expect(stored.has(i)).toBe(true);
    // Offsets stay dense per partition: nothing half-written survives the kill.
    for (const p of [0, 1, 2]) {
      const offsets = got.filter((m) => m.partition === p).map((m) => Number(m.offset));
      expect(offsets).toEqual(offsets.map((_, k) => k));
    }
  }, 60_000);

  it("a consumer killed mid-batch: the next member of its group gets the batch again at once", async () => {
    bus = createSqliteBus({ path, sessionTimeoutMs: 30_000 });
    await bus.ensureTopics([{ name: "mid", partitions: 3 }]);
    await bus.publish(
      "mid",
      Array.from({ length: 12 }, (_, i) => ({
        key: `k${i}`,
        value: Buffer.from(JSON.stringify({ i })),
        headers: {},
      })),
    );
    const w = startBusWorker(["consume", path, "mid", "g"]);
    await waitFor(() => w.lines.some((l) => l.startsWith("batch ")), "the child's first batch", 30_000);
    const [, partition, first] = w.lines.find((l) => l.startsWith("batch "))!.split(" ");

    // While the child lives it holds the group: a member here is standby and gets nothing.
    const got: ConsumedMessage[] = [];
    const sub = await bus.consume({ topic: "mid", group: "g", onBatch: async (b) => void got.push(...b) });
    await sleep(500);
    expect(got).toEqual([]);

    const killedAt = Date.now();
    await killWorker(w.child);
    await waitFor(() => got.length >= 12, "all 12 after the kill", 20_000);
    // The dead holder's pid is gone, so the lease is taken over well before its 30 s timeout.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(got.some((m) => String(m.partition) === partition && m.offset === first)).toBe(true);
    expect(new Set(got.map((m) => parse(m).i)).size).toBe(12);
    await sub.close();
    expect(await bus.consumerLag("mid", "g")).toBe(0);
  }, 60_000);
});
