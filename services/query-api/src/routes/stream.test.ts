import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { IndexedBlock } from "@chainlog/ports";
import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { encodeProcessed, type ProcessedBlockEnvelope, Topics } from "@chainlog/tx-schema";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ALICE, type ApiHarness, BOB, CAROL, openApiHarness, TOKEN } from "../test-support/api-harness.ts";
import { connectSse, type SseConnection } from "../test-support/sse-client.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const processed = (b: IndexedBlock): ProcessedBlockEnvelope => ({
  kind: "processed",
  chainId: b.chainId,
  block: { number: b.block.number, hash: b.block.hash, timestamp: b.block.timestamp },
});

let h: ApiHarness;
let base = "";
const open: SseConnection[] = [];

beforeAll(async () => {
  h = await openApiHarness({
    withBus: true,
    settings: { streamRingSize: 50, streamClientBufferBytes: 256 * 1024 },
  });
  base = await h.app.listen({ host: "127.0.0.1", port: 0 });
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  // best effort: a client the server has not dropped yet only makes the next test's count start higher
  await vi
    .waitFor(() => expect(h.app.liveFeed!.clients()).toBe(0), { timeout: 2000, interval: 10 })
    .catch(() => undefined);
});
afterAll(async () => h?.close());

async function sse(query = "", headers: Record<string, string> = {}, retainData = true) {
  const c = await connectSse(`${base}/v1/stream${query}`, headers, retainData);
  open.push(c);
  return c;
}

/** A burst of blocks as the processor stores and announces them, through the real embedded store and bus. */
async function burst(start: number, count: number) {
  const blocks = Array.from({ length: count }, (_, i) =>
    buildBlock({
      number: start + i,
      txs: [
        { from: ALICE, to: BOB, value: String(10n ** 18n * BigInt(i + 1)) },
        { from: BOB, to: CAROL, value: "5" },
        {
          from: CAROL,
          to: TOKEN,
          value: "0",
          transfers: [{ token: TOKEN, from: CAROL, to: ALICE, value: "777" }],
        },
      ],
    }),
  );
  await h.store.writeBlocks(blocks);
  const sentAt = Date.now();
  await h.bus!.publish(
    Topics.processed,
    blocks.map((b) => encodeProcessed(processed(b))),
  );
  return { blocks, sentAt };
}

describe("live stream (SSE)", () => {
  it("delivers exactly the matching transactions of a burst, within 1 s", async () => {
    const fromAlice = await sse(`?from=${ALICE.toUpperCase().replace("0X", "0x")}&type=transaction`);
    const big = await sse(`?address=${BOB}&minValue=${10n ** 18n * 3n}`);
    const tokens = await sse(`?token=${TOKEN}`);
    const everything = await sse();
    expect(fromAlice.status).toBe(200);
    const { blocks, sentAt } = await burst(100, 10);

    await everything.waitFor((e) => e.length >= 40);
    await fromAlice.waitFor((e) => e.length >= 10);
    await big.waitFor((e) => e.length >= 8);
    await tokens.waitFor((e) => e.length >= 10);
    await sleep(200);

    // Blocks travel on different partitions, so only the order within a block is fixed: compare sorted.
    const byBlock = (events: typeof everything.events) =>
      [...events].sort(
        (a, b) => a.data.blockNumber - b.data.blockNumber || a.data.logIndex - b.data.logIndex,
      );
    const aliceTxs = blocks.map((b) => b.transactions[0]!.hash);
    expect(byBlock(fromAlice.events).map((e) => e.data.hash)).toEqual(aliceTxs);
    expect(fromAlice.events.every((e) => e.event === "transaction")).toBe(true);
    expect(byBlock(big.events).map((e) => e.data.hash)).toEqual(aliceTxs.slice(2));
    expect(byBlock(tokens.events).map((e) => [e.event, e.data.token, e.data.value])).toEqual(
      blocks.map(() => ["token_transfer", TOKEN, "777"]),
    );
    expect(everything.events).toHaveLength(40);
    const firstTx = byBlock(everything.events).find((e) => e.event === "transaction")!;
    expect(firstTx.data.blockTimestamp).toBe(blocks[0]!.block.timestamp);
    expect(firstTx.data.status).toBe(1);
    const latency = Math.max(...everything.events.map((e) => e.receivedAt)) - sentAt;
    expect(latency).toBeLessThan(1000);
  });

  it("resumes after Last-Event-ID from the ring, and says so when it cannot", async () => {
    const first = await sse(`?address=${ALICE}`);
    await burst(200, 2);
    await first.waitFor((e) => e.length >= 4);
    const lastSeen = first.events[1]!.id!;
    first.close();
    await burst(202, 3);
    await sleep(300);

    const resumed = await sse(`?address=${ALICE}`, { "last-event-id": lastSeen });
    await resumed.waitFor((e) => e.length >= 2 + 6);
    const hashes = resumed.events.map((e) => e.data.transactionHash ?? e.data.hash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(resumed.events.map((e) => e.data.blockNumber).sort()).toEqual([
      201, 201, 202, 202, 203, 203, 204, 204,
    ]);

    const stale = await sse("", { "last-event-id": "deadbeef.1" });
    await stale.waitFor((e) => e.some((x) => x.event === "reset"));
    expect(stale.events[0]!.data).toEqual({ reason: "resume_unavailable" });
  });

  it("rejects bad filters naming the parameter", async () => {
    for (const [qs, parameter] of [
      ["?from=0x12", "from"],
      ["?minValue=-1", "minValue"],
      ["?minValue=1.5", "minValue"],
      ["?type=swap", "type"],
      ["?token[$gt]=", "token[$gt]"],
    ]) {
      const res = await h.app.inject(`/v1/stream${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error.parameter).toBe(parameter);
    }
    const badId = await h.app.inject({ url: "/v1/stream", headers: { "last-event-id": "../x" } });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.parameter).toBe("header.last-event-id");
  });

  it("serves the same filtered events over a WebSocket upgrade, resumable by ?lastEventId", async () => {
    const ws = await h.app.injectWS(`/v1/stream?to=${CAROL}`);
    const messages: { id?: string; event: string; data: Record<string, unknown> }[] = [];
    ws.on("message", (m) => messages.push(JSON.parse(String(m))));
    const { blocks } = await burst(300, 4);
    await vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(4), {
      timeout: 5000,
      interval: 10,
    });
    await sleep(200);
    expect(messages.map((m) => m.data.hash).sort()).toEqual(
      blocks.map((b) => b.transactions[1]!.hash).sort(),
    );
    expect(messages.every((m) => m.event === "transaction" && m.data.to === CAROL)).toBe(true);
    ws.terminate();

    const first = [...messages].sort((a, b) => Number(a.id!.split(".")[1]) - Number(b.id!.split(".")[1]))[0]!;
    const replay: { event: string }[] = [];
    // The backlog is sent right on connect: listen before the upgrade completes.
    const resumed = await h.app.injectWS(
      `/v1/stream?to=${CAROL}&lastEventId=${first.id}`,
      {},
      {
        onInit: (ws) => ws.on("message", (m) => replay.push(JSON.parse(String(m)))),
      },
    );
    await vi.waitFor(() => expect(replay.length).toBeGreaterThanOrEqual(3), { timeout: 2000, interval: 10 });
    expect(replay).toHaveLength(3);
    resumed.terminate();

    await expect(h.app.injectWS("/v1/stream?minValue=abc")).rejects.toThrow(/400/);
  });

  it("cuts off a slow consumer with a reason while memory stays bounded", async () => {
    // A client that sends the request and never reads: the kernel buffers fill, then Node's.
    const socket = connect({ host: "127.0.0.1", port: Number(new URL(base).port) });
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write(`GET /v1/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    socket.pause();
    const fast = await sse(`?from=${addressOf("sender-0")}`, {}, false);
    const feed = h.app.liveFeed!;
    await sleep(100);
    expect(feed.clients()).toBeGreaterThanOrEqual(2);

    gc();
    const before = process.memoryUsage();
    const big = buildBlock({
      number: 1000,
      txs: Array.from({ length: 100 }, (_, i) => ({
        from: addressOf(`sender-${i % 7}`),
        to: BOB,
        input: `0x${"ab".repeat(1000)}`,
      })),
    });
    await h.store.writeBlocks([big]);
    // ~75 MB of frames (the one stored block announced 300 times): without the bound, the slow client would
    // pin them all in server memory.
    let maxBuffered = 0;
    for (let n = 0; n < 300; n++) {
      await feed.publish(processed(big));
      maxBuffered = Math.max(maxBuffered, feed.bufferedBytes());
      // Blocks arrive a few ms apart, as from the bus; a reader that keeps up drains in between.
      await sleep(3);
    }
    await sleep(200);
    gc();
    const after = process.memoryUsage();
    const metrics = (await h.app.inject("/metrics")).body;
    expect(metrics).toMatch(/chainlog_stream_disconnects_total\{[^}]*reason="slow_consumer"[^}]*\} 1/);
    // Per client at most the bound plus one block's frames (checked before each write), whatever the backlog.
    expect(maxBuffered).toBeLessThan(2 * (256 * 1024 + 100 * 2600));
    const grown = after.heapUsed + after.external - (before.heapUsed + before.external);
    expect(grown).toBeLessThan(20 * 1024 * 1024);

    // The fast reader kept up and got every one of its events.
    await fast.waitFor((e) => e.length >= 300 * 15, 15_000);
    expect(fast.events.length).toBe(300 * 15);
    socket.destroy();
  }, 30_000);
});
