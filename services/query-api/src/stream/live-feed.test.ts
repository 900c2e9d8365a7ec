import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteBus, createSqliteStore, type SqliteBus } from "@chainlog/embedded";
import type { Store } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { createLogger } from "@chainlog/telemetry";
import { encodeProcessed, Topics } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "./filter.ts";
import { createLiveFeed, type LiveClient, type LiveFeed } from "./live-feed.ts";

const ALICE = addressOf("alice");
const BOB = addressOf("bob");
const TOKEN = addressOf("token");

function client(): LiveClient & { events: LiveEvent[]; resets: number } {
  const events: LiveEvent[] = [];
  const c = {
    events,
    resets: 0,
    filter: () => true,
    send: (e: LiveEvent) => events.push(e),
    buffered: () => 0,
    resumeUnavailable: () => {
      c.resets += 1;
    },
  };
  return c;
}

const blockOf = (e: LiveEvent) => (e.json.match(/"blockNumber":(\d+)/) ?? [])[1];

describe("live feed on the embedded bus and store", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-live-feed-"));
  let bus: SqliteBus;
  let store: Store;
  let feed: LiveFeed;

  /** Stores blocks of `txs` transactions each (the last with a token transfer), then announces them as the processor does. */
  async function blocks(from: number, count: number, txs: number) {
    const built = Array.from({ length: count }, (_, i) =>
      buildBlock({
        number: from + i,
        txs: Array.from({ length: txs }, (_, k) => ({
          from: ALICE,
          to: BOB,
          value: String(k + 1),
          transfers: k === txs - 1 ? [{ token: TOKEN, from: BOB, to: ALICE, value: "9" }] : [],
        })),
      }),
    );
    await store.writeBlocks(built);
    await bus.publish(
      Topics.processed,
      built.map((b) =>
        encodeProcessed({
          kind: "processed",
          chainId: b.chainId,
          block: { number: b.block.number, hash: b.block.hash, timestamp: b.block.timestamp },
        }),
      ),
    );
    return built;
  }

  beforeAll(async () => {
    bus = createSqliteBus({ path: join(dir, "bus.db") });
    store = createSqliteStore({ path: join(dir, "store.db") });
    feed = createLiveFeed({
      bus,
      store,
      logger: createLogger("live-feed-test", "silent"),
      ringSize: 12,
      partitions: 1,
      heldBlocks: 8,
    });
    await feed.start();
  });
  afterAll(async () => {
    await feed?.stop();
    await bus?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads an announced block's transactions and transfers from the store, with status and time", async () => {
    const watcher = client();
    await feed.attach(watcher);
    const [b] = await blocks(10, 1, 2);
    await vi.waitFor(() => expect(watcher.events).toHaveLength(3), { timeout: 5_000, interval: 10 });
    feed.detach(watcher);
    expect(watcher.events.map((e) => e.type)).toEqual(["transaction", "transaction", "token_transfer"]);
    const tx = JSON.parse(watcher.events[0]!.json);
    expect(tx).toMatchObject({
      hash: b!.transactions[0]!.hash,
      status: b!.receipts[0]!.status,
      blockTimestamp: b!.block.timestamp,
    });
    expect(JSON.parse(watcher.events[2]!.json)).toMatchObject({ token: TOKEN, value: "9", blockNumber: 10 });
  });

  it("holds blocks nobody listens to as references, and a client resumes across them exactly", async () => {
    const first = client();
    await feed.attach(first);
    await blocks(100, 2, 2);
    await vi.waitFor(() => expect(first.events).toHaveLength(6), { timeout: 5_000, interval: 10 });
    feed.detach(first);
    const lastSeen = first.events[5]!.id;

    await blocks(102, 2, 1);
    // consumed, and held without reading the store
    await vi.waitFor(() => expect(feed.heldBlocks()).toBe(2), { timeout: 5_000, interval: 10 });

    const again = client();
    const backlog = await feed.attach(again, lastSeen);
    expect(feed.heldBlocks()).toBe(0);
    expect(again.resets).toBe(0);
    // sent to the client by attach itself, before anything newer
    expect(again.events).toEqual(backlog);
    expect(backlog?.map(blockOf)).toEqual(["102", "102", "103", "103"]);
    // ids go on without a hole: the held blocks' events came after the last one sent
    const seq = (id: string) => Number(id.split(".")[1]);
    expect(backlog!.map((e) => seq(e.id))).toEqual([1, 2, 3, 4].map((k) => seq(lastSeen) + k));
    feed.detach(again);
  });

  it("reads only the newest held blocks the ring can keep, and then says a resume from before them cannot be exact", async () => {
    const watcher = client();
    await feed.attach(watcher);
    await blocks(200, 1, 1);
    await vi.waitFor(() => expect(watcher.events).toHaveLength(2), { timeout: 5_000, interval: 10 });
    feed.detach(watcher);
    const lastSeen = watcher.events[1]!.id;

    // 10 blocks of 5 events while nobody listens: 8 are held, and only the newest 3 are read (15 events for a
    // ring of 12)
    await blocks(201, 10, 4);
    await vi.waitFor(() => expect(feed.heldBlocks()).toBe(8), { timeout: 5_000, interval: 10 });

    const stale = client();
    expect(await feed.attach(stale, lastSeen)).toBeNull();
    expect(stale.resets).toBe(1);
    expect(stale.events).toEqual([]);
    feed.detach(stale);
    // the ring: the last 12 of those 15 events, numbered without a hole
    const newest = feed.lastId()!;
    const [epoch, n] = newest.split(".");
    const reader = client();
    expect(await feed.attach(reader, `${epoch}.${Number(n) - 13}`)).toBeNull();
    feed.detach(reader);
    const ring = await feed.attach(reader, `${epoch}.${Number(n) - 12}`);
    feed.detach(reader);
    expect(ring?.map(blockOf)).toEqual(["208", "208", ...Array(5).fill("209"), ...Array(5).fill("210")]);
  });

  it("skips an announced block the store no longer has, and sends the retraction that follows", async () => {
    const watcher = client();
    await feed.attach(watcher);
    const gone = buildBlock({ number: 300, txs: [{ from: ALICE, to: BOB, value: "1" }] });
    const ref = { number: gone.block.number, hash: gone.block.hash };
    await bus.publish(Topics.processed, [
      encodeProcessed({ kind: "processed", chainId: gone.chainId, block: { ...ref, timestamp: 1 } }),
      encodeProcessed({ kind: "retracted", chainId: gone.chainId, block: ref }),
    ]);
    await vi.waitFor(() => expect(watcher.events).toHaveLength(1), { timeout: 5_000, interval: 10 });
    expect(watcher.events[0]!.type).toBe("retracted");
    feed.detach(watcher);
  });
});
