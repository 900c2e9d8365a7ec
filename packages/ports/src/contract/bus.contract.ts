import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bus, ConsumedMessage, ConsumeOptions, Subscription } from "../bus.ts";
import { uniqueName } from "./fixtures.ts";
import { gate, waitFor } from "./wait.ts";

export interface BusHandle {
  bus: Bus;
  cleanup(): Promise<void>;
}

const TIMEOUT = 90_000;

/** n messages numbered from `first`, each under the key `keyOf` gives its index in the batch. */
const numbered = (n: number, keyOf: (i: number) => string, first = 0) =>
  Array.from({ length: n }, (_, i) => msg(keyOf(i), first + i));
const msg = (key: string, i: number, headers: Record<string, string> = {}) => ({
  key,
  value: Buffer.from(JSON.stringify({ key, i })),
  headers: { seq: String(i), ...headers },
});
const body = (m: ConsumedMessage) => JSON.parse(m.value.toString("utf8")) as { key: string; i: number };

/** Everything a subscription received, batch by batch. */
function recorder() {
  const batches: ConsumedMessage[][] = [];
  return {
    batches,
    get messages() {
      return batches.flat();
    },
    onBatch: async (batch: ConsumedMessage[]) => {
      batches.push(batch);
    },
  };
}

/**
 * The behaviour every Bus must show: durable publish, per-key order, consumer groups with committed positions,
 * at-least-once redelivery, lag. Tests use fresh topic and group names, so one cluster can run them all.
 */
export function describeBusContract(name: string, open: () => Promise<BusHandle>): void {
  describe(`Bus contract: ${name}`, () => {
    let handle: BusHandle;
    let bus: Bus;
    const subscriptions: Subscription[] = [];

    beforeEach(async () => {
      handle = await open();
      bus = handle.bus;
    }, TIMEOUT);

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await handle.cleanup();
    }, TIMEOUT);

    async function topic(partitions = 3): Promise<string> {
      const t = uniqueName("contract");
      await bus.ensureTopics([{ name: t, partitions }]);
      return t;
    }

    async function consume(options: ConsumeOptions): Promise<Subscription> {
      const s = await bus.consume(options);
      subscriptions.push(s);
      return s;
    }

    async function closeAll(): Promise<void> {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    }

    it(
      "publish resolves once messages are stored: a group with no position counts them all at once",
      async () => {
        const t = await topic(3);
        const group = uniqueName("g");
        await bus.publish(
          t,
          numbered(30, (i) => `k${i % 7}`),
        );
        expect(await bus.consumerLag(t, group)).toBe(30);
        await bus.publish(t, []);
        expect(await bus.consumerLag(t, group)).toBe(30);
      },
      TIMEOUT,
    );

    it(
      "publishAll stores each topic's messages in order, as one publish per topic would",
      async () => {
        const [a, b] = [await topic(2), await topic(1)];
        await bus.publishAll([
          { topic: a, messages: [msg("k1", 0), msg("k2", 1), msg("k1", 2)] },
          { topic: b, messages: [msg("k3", 10), msg("k3", 11)] },
          { topic: a, messages: [] },
        ]);
        await bus.publishAll([]);
        expect(await bus.consumerLag(a, uniqueName("g"))).toBe(3);
        expect(await bus.consumerLag(b, uniqueName("g"))).toBe(2);
        const [ra, rb] = [recorder(), recorder()];
        await consume({ topic: a, group: uniqueName("g"), onBatch: ra.onBatch });
        await consume({ topic: b, group: uniqueName("g"), onBatch: rb.onBatch });
        await waitFor(() => ra.messages.length >= 3 && rb.messages.length >= 2, "5 messages");
        const k1 = ra.messages.filter((m) => m.key === "k1").map((m) => body(m).i);
        expect(k1).toEqual([0, 2]);
        expect(rb.messages.map((m) => body(m).i)).toEqual([10, 11]);
      },
      TIMEOUT,
    );

    it(
      "keeps per-key order within a partition and spreads keys over several partitions",
      async () => {
        const t = await topic(4);
        const keys = Array.from({ length: 24 }, (_, i) => `chain:${i}`);
        // Several publish calls, interleaved keys: order per key must hold across calls.
        for (let round = 0; round < 5; round++)
          await bus.publish(
            t,
            keys.map((k) => msg(k, round)),
          );
        const rec = recorder();
        await consume({ topic: t, group: uniqueName("g"), onBatch: rec.onBatch });
        await waitFor(() => rec.messages.length >= 120, "120 messages");

        const partitionOfKey = new Map<string, number>();
        const seqOfKey = new Map<string, number[]>();
        for (const m of rec.messages) {
          const { key, i } = body(m);
          expect(m.key).toBe(key);
          expect(m.topic).toBe(t);
          expect(m.partition).toBeGreaterThanOrEqual(0);
          expect(m.partition).toBeLessThan(4);
          expect(partitionOfKey.get(key) ?? m.partition).toBe(m.partition);
          partitionOfKey.set(key, m.partition);
          seqOfKey.set(key, [...(seqOfKey.get(key) ?? []), i]);
        }
        for (const k of keys) expect(seqOfKey.get(k)).toEqual([0, 1, 2, 3, 4]);
        expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);

        // Offsets are increasing within each partition, and every batch holds one partition.
        for (const batch of rec.batches) expect(new Set(batch.map((m) => m.partition)).size).toBe(1);
        const lastOffset = new Map<number, bigint>();
        for (const m of rec.messages) {
          const o = BigInt(m.offset);
          const prev = lastOffset.get(m.partition);
          if (prev !== undefined) expect(o > prev).toBe(true);
          lastOffset.set(m.partition, o);
          expect(m.timestamp).toBeGreaterThan(Date.now() - 10 * 60_000);
        }
      },
      TIMEOUT,
    );

    it(
      "a group resumes after close from its committed position",
      async () => {
        const t = await topic(2);
        const group = uniqueName("g");
        await bus.publish(
          t,
          numbered(10, (i) => `k${i % 3}`),
        );
        const first = recorder();
        await consume({ topic: t, group, onBatch: first.onBatch });
        await waitFor(() => first.messages.length >= 10, "first 10 messages");
        await closeAll();
        expect(await bus.consumerLag(t, group)).toBe(0);

        await bus.publish(
          t,
          numbered(5, (i) => `k${i % 3}`, 10),
        );
        expect(await bus.consumerLag(t, group)).toBe(5);
        const second = recorder();
        await consume({ topic: t, group, onBatch: second.onBatch });
        await waitFor(() => second.messages.length >= 5, "5 new messages");
        await sleep(300);
        expect(second.messages.map((m) => body(m).i).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
        expect(first.messages).toHaveLength(10);
      },
      TIMEOUT,
    );

    it(
      "a handler that throws gets the same batch again, and nothing is skipped",
      async () => {
        const t = await topic(1);
        await bus.publish(
          t,
          numbered(20, () => "one-key"),
        );
        const attempts: string[][] = [];
        const delivered: number[] = [];
        const errors: unknown[] = [];
        let failures = 2;
        await consume({
          topic: t,
          group: uniqueName("g"),
          maxBatchSize: 8,
          onError: (e) => errors.push(e),
          onBatch: async (batch) => {
            attempts.push(batch.map((m) => m.offset));
            if (failures > 0) {
              failures--;
              throw new Error("handler failed");
            }
            delivered.push(...batch.map((m) => body(m).i));
          },
        });
        await waitFor(() => delivered.length >= 20, "all 20 after the failures");
        expect(attempts[1]).toEqual(attempts[0]);
        expect(attempts[2]).toEqual(attempts[0]);
        expect(delivered).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(errors).toHaveLength(2);
        expect((errors[0] as Error).message).toBe("handler failed");
      },
      TIMEOUT,
    );

    it(
      "publishAllAndCommit publishes and commits the batch: a handler failing after it is not given it again",
      async () => {
        const input = await topic(1);
        const output = await topic(2);
        const group = uniqueName("g");
        await bus.publish(
          input,
          numbered(9, () => "k"),
        );
        const attempts: number[][] = [];
        const errors: unknown[] = [];
        await consume({
          topic: input,
          group,
          maxBatchSize: 3,
          onError: (e) => errors.push(e),
          onBatch: async (batch, context) => {
            attempts.push(batch.map((m) => body(m).i));
            await context.publishAllAndCommit([
              { topic: output, messages: batch.map((m) => msg(`out${body(m).i % 4}`, body(m).i)) },
            ]);
            if (attempts.length === 1) throw new Error("failed after the commit");
          },
        });
        const out = recorder();
        await consume({ topic: output, group: uniqueName("out"), onBatch: out.onBatch });
        await waitFor(() => out.messages.length >= 9, "the 9 messages republished");
        await waitFor(
          async () => (await bus.consumerLag(input, group)) === 0,
          "the group's position at the end",
        );
        await sleep(300);
        expect(attempts.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
        expect(out.messages.map((m) => body(m).i).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
        expect(errors.map((e) => (e as Error).message)).toEqual(["failed after the commit"]);

        // a new member of the group starts past everything committed that way
        await closeAll();
        await bus.publish(input, [msg("k", 9)]);
        const again = recorder();
        await consume({ topic: input, group, onBatch: again.onBatch });
        await waitFor(() => again.messages.length >= 1, "the message published after");
        await sleep(300);
        expect(again.messages.map((m) => body(m).i)).toEqual([9]);
      },
      TIMEOUT,
    );

    it(
      "a batch whose handler never completed is delivered again to the group's next member",
      async () => {
        const t = await topic(1);
        const group = uniqueName("g");
        await bus.publish(
          t,
          numbered(6, () => "k"),
        );
        const started = gate();
        const crash = gate();
        const seenByFirst: number[] = [];
        const first = await consume({
          topic: t,
          group,
          onError: () => {},
          onBatch: async (batch) => {
            seenByFirst.push(...batch.map((m) => body(m).i));
            started.resolve();
            await crash.promise;
          },
        });
        await started.promise;
        // The member goes away mid-batch: its work never completed, so nothing may be committed.
        const closing = first.close();
        crash.reject(new Error("killed mid-batch"));
        await closing;
        subscriptions.splice(subscriptions.indexOf(first), 1);
        expect(seenByFirst.length).toBeGreaterThan(0);
        expect(await bus.consumerLag(t, group)).toBe(6);

        const second = recorder();
        await consume({ topic: t, group, onBatch: second.onBatch });
        await waitFor(() => second.messages.length >= 6, "redelivery of all 6");
        expect(second.messages.map((m) => body(m).i)).toEqual([0, 1, 2, 3, 4, 5]);
      },
      TIMEOUT,
    );

    it(
      'startFrom "latest" skips earlier messages; "earliest" (the default) reads from the beginning',
      async () => {
        const t = await topic(2);
        await bus.publish(t, [msg("a", 0), msg("b", 1), msg("c", 2)]);
        const latest = recorder();
        const earliest = recorder();
        await consume({ topic: t, group: uniqueName("live"), startFrom: "latest", onBatch: latest.onBatch });
        await consume({ topic: t, group: uniqueName("all"), onBatch: earliest.onBatch });
        await waitFor(() => earliest.messages.length >= 3, "earliest to read the backlog");
        await bus.publish(t, [msg("a", 3), msg("d", 4)]);
        await waitFor(() => latest.messages.length >= 2, "latest to see new messages");
        await waitFor(() => earliest.messages.length >= 5, "earliest to see new messages");
        await sleep(200);
        expect(latest.messages.map((m) => body(m).i).sort()).toEqual([3, 4]);
        expect(earliest.messages.map((m) => body(m).i).sort()).toEqual([0, 1, 2, 3, 4]);
      },
      TIMEOUT,
    );

    it(
      "two groups each see every message",
      async () => {
        const t = await topic(3);
        const a = recorder();
        const b = recorder();
        await consume({ topic: t, group: uniqueName("a"), onBatch: a.onBatch });
        await consume({ topic: t, group: uniqueName("b"), onBatch: b.onBatch });
        await bus.publish(
          t,
          numbered(40, (i) => `k${i}`),
        );
        await waitFor(() => a.messages.length >= 40 && b.messages.length >= 40, "both groups");
        const ids = (r: ReturnType<typeof recorder>) => [...new Set(r.messages.map((m) => body(m).i))].sort();
        expect(ids(a)).toEqual(ids(b));
        expect(ids(a)).toHaveLength(40);
      },
      TIMEOUT,
    );

    it(
      "consumerLag counts what is stored but not committed by the group",
      async () => {
        const t = await topic(2);
        const group = uniqueName("g");
        await bus.publish(
          t,
          numbered(12, (i) => `k${i}`),
        );
        expect(await bus.consumerLag(t, group)).toBe(12);
        const hold = gate();
        let seen = 0;
        await consume({
          topic: t,
          group,
          onBatch: async (batch) => {
            seen += batch.length;
            await hold.promise;
          },
        });
        await waitFor(() => seen > 0, "a batch in flight");
        expect(await bus.consumerLag(t, group)).toBe(12);
        hold.resolve();
        await waitFor(async () => (await bus.consumerLag(t, group)) === 0, "lag to reach 0");
        await bus.publish(t, [msg("late", 99)]);
        await waitFor(async () => seen >= 13, "the late message");
        await waitFor(async () => (await bus.consumerLag(t, group)) === 0, "lag back to 0");
      },
      TIMEOUT,
    );

    it(
      "respects maxBatchSize",
      async () => {
        const t = await topic(1);
        await bus.publish(
          t,
          numbered(25, () => "k"),
        );
        const rec = recorder();
        await consume({ topic: t, group: uniqueName("g"), maxBatchSize: 4, onBatch: rec.onBatch });
        await waitFor(() => rec.messages.length >= 25, "25 messages");
        expect(Math.max(...rec.batches.map((b) => b.length))).toBeLessThanOrEqual(4);
        expect(rec.batches.length).toBeGreaterThanOrEqual(7);
        expect(rec.messages.map((m) => body(m).i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      },
      TIMEOUT,
    );

    it(
      "carries keys, values and headers byte for byte",
      async () => {
        const t = await topic(2);
        const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        const headers = {
          "x-nul": "a\u0000b",
          "x-sql": "'; DROP TABLE messages; --",
          "x-unicode": "Ünïcødé ✓ 🙂",
          "x-empty": "",
        };
        await bus.publish(t, [
          { key: "k\u0000ey 🙂", value: allBytes, headers },
          { key: "", value: Buffer.alloc(0), headers: {} },
          { key: "big", value: Buffer.alloc(256 * 1024, 0xab), headers: { n: "3" } },
        ]);
        const rec = recorder();
        await consume({ topic: t, group: uniqueName("g"), onBatch: rec.onBatch });
        await waitFor(() => rec.messages.length >= 3, "3 messages");
        const byKey = new Map(rec.messages.map((m) => [m.key, m]));
        const first = byKey.get("k\u0000ey 🙂")!;
        expect(Buffer.compare(first.value, allBytes)).toBe(0);
        expect(first.headers).toEqual(headers);
        expect(byKey.get("")!.value.length).toBe(0);
        expect(byKey.get("")!.headers).toEqual({});
        expect(byKey.get("big")!.value.equals(Buffer.alloc(256 * 1024, 0xab))).toBe(true);
      },
      TIMEOUT,
    );

    it(
      "members of one group never work on one partition at once, and a member that leaves is taken over",
      async () => {
        const t = await topic(2);
        const group = uniqueName("g");
        const busy = new Map<number, number>();
        let overlap = false;
        const seen: number[][] = [[], []];
        const member = (n: number) =>
          consume({
            topic: t,
            group,
            maxBatchSize: 3,
            onBatch: async (batch) => {
              const p = batch[0]!.partition;
              if ((busy.get(p) ?? 0) > 0) overlap = true;
              busy.set(p, (busy.get(p) ?? 0) + 1);
              await sleep(5);
              seen[n]!.push(...batch.map((m) => body(m).i));
              busy.set(p, busy.get(p)! - 1);
            },
          });
        const first = await member(0);
        await member(1);
        await bus.publish(
          t,
          numbered(30, (i) => `k${i}`),
        );
        await waitFor(() => new Set([...seen[0]!, ...seen[1]!]).size >= 30, "30 messages across members");
        expect(overlap).toBe(false);

        await first.close();
        subscriptions.splice(subscriptions.indexOf(first), 1);
        const before = seen[1]!.length;
        await bus.publish(
          t,
          numbered(10, (i) => `k${i}`, 100),
        );
        await waitFor(
          () => new Set(seen[1]!.slice(before).filter((i) => i >= 100)).size >= 10,
          "the remaining member to take everything over",
        );
        expect(overlap).toBe(false);
      },
      TIMEOUT,
    );
  });
}
