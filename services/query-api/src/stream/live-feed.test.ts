import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteBus, type SqliteBus } from "@chainlog/embedded";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { encodeProcessed, Topics } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "./filter.ts";
import { createLiveFeed, type LiveClient, type LiveFeed } from "./live-feed.ts";

const ALICE = addressOf("alice");
const BOB = addressOf("bob");

/** Processed blocks of `txs` transactions each, as the processor publishes them, numbered from `from`. */
function blocks(from: number, count: number, txs: number, input = "0x") {
  return Array.from({ length: count }, (_, i) => {
    const b = buildBlock({
      number: from + i,
      txs: Array.from({ length: txs }, () => ({ from: ALICE, to: BOB, value: "1", input })),
    });
    return encodeProcessed({
      kind: "processed",
      chainId: b.chainId,
      block: { number: b.block.number, hash: b.block.hash, timestamp: b.block.timestamp },
      transactions: b.transactions.map((tx, k) => ({ ...tx, status: b.receipts[k]?.status ?? null })),
      tokenTransfers: b.tokenTransfers,
    });
  });
}

function client(): LiveClient & { events: LiveEvent[] } {
  const events: LiveEvent[] = [];
  return { events, filter: () => true, send: (e) => events.push(e), buffered: () => 0 };
}

describe("live feed on the embedded bus", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-live-feed-"));
  let bus: SqliteBus;
  let feed: LiveFeed;
  beforeAll(async () => {
    bus = createSqliteBus({ path: join(dir, "bus.db") });
    // 64 KiB held at most: a few of this test's large blocks
    feed = createLiveFeed({
      bus,
      logger: createLogger("live-feed-test", "silent"),
      ringSize: 50,
      partitions: 1,
      pendingBytes: 64 * 1024,
    });
    await feed.start();
  });
  afterAll(async () => {
    await feed?.stop();
    await bus?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds blocks nobody listens to undecoded, and a client resumes across them exactly", async () => {
    const first = client();
    feed.attach(first);
    await bus.publish(Topics.processed, blocks(100, 2, 2));
    await vi.waitFor(() => expect(first.events).toHaveLength(4), { timeout: 5_000, interval: 10 });
    feed.detach(first);
    const lastSeen = first.events[3]!.id;

    const missed = blocks(102, 3, 2);
    await bus.publish(Topics.processed, missed);
    // consumed, and held as bytes rather than turned into events
    const size = missed.reduce((n, m) => n + m.value.length, 0);
    await vi.waitFor(() => expect(feed.heldBytes()).toBe(size), { timeout: 5_000, interval: 10 });

    const again = client();
    const backlog = feed.attach(again, lastSeen);
    expect(feed.heldBytes()).toBe(0);
    expect(backlog?.map((e) => (e.json.match(/"blockNumber":(\d+)/) ?? [])[1])).toEqual([
      "102",
      "102",
      "103",
      "103",
      "104",
      "104",
    ]);
    // ids go on without a hole: the held blocks' events came after the last one sent
    const seq = (id: string) => Number(id.split(".")[1]);
    expect(backlog!.map((e) => seq(e.id))).toEqual([1, 2, 3, 4, 5, 6].map((k) => seq(lastSeen) + k));
    feed.detach(again);
  });

  it("drops the oldest held blocks beyond its bound, and then says a resume from before them cannot be exact", async () => {
    const watcher = client();
    feed.attach(watcher);
    await bus.publish(Topics.processed, blocks(200, 1, 1));
    await vi.waitFor(() => expect(watcher.events).toHaveLength(1), { timeout: 5_000, interval: 10 });
    feed.detach(watcher);
    const lastSeen = watcher.events[0]!.id;

    // ~40 KiB each, far more than the 64 KiB held, then a small block: only the last big one and it fit
    const big = blocks(201, 20, 4, `0x${"ab".repeat(5_000)}`);
    const last = blocks(221, 1, 1);
    await bus.publish(Topics.processed, [...big, ...last]);
    const kept = big.at(-1)!.value.length + last[0]!.value.length;
    expect(kept).toBeLessThanOrEqual(64 * 1024);
    await vi.waitFor(() => expect(feed.heldBytes()).toBe(kept), { timeout: 5_000, interval: 10 });

    const stale = client();
    expect(feed.attach(stale, lastSeen)).toBeNull();
    feed.detach(stale);
    // what was kept became the ring: block 220's four events and block 221's one, numbered without a hole
    const newest = feed.lastId()!;
    const [epoch, n] = newest.split(".");
    const reader = client();
    expect(feed.attach(reader, `${epoch}.${Number(n) - 6}`)).toBeNull();
    feed.detach(reader);
    const ring = feed.attach(reader, `${epoch}.${Number(n) - 5}`);
    feed.detach(reader);
    expect(ring?.map((e) => (e.json.match(/"blockNumber":(\d+)/) ?? [])[1])).toEqual([
      "220",
      "220",
      "220",
      "220",
      "221",
    ]);
  });
});
