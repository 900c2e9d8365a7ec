import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Anvil, createDevnetClient, deployErc20, startAnvil } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import { createRpcPool } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import type { IngestStatus } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessor } from "../create-processor.ts";
import { publishRange, waitFor } from "../test-support/publish-blocks.ts";

/** Forwards JSON-RPC to the node and counts the methods asked (batches unpacked). */
function countingProxy(target: string): Promise<{ url: string; asked: Map<string, number>; server: Server }> {
  const asked = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const calls = JSON.parse(body.toString()) as { method: string } | { method: string }[];
      for (const c of Array.isArray(calls) ? calls : [calls])
        asked.set(c.method, (asked.get(c.method) ?? 0) + 1);
      const up = request(
        target,
        { method: "POST", headers: { "content-type": "application/json" } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      up.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, server }),
    ),
  );
}

const ingestReport = (published: number): IngestStatus => ({
  service: "ingest",
  instance: "ingest-0",
  updatedAt: Date.now(),
  leader: true,
  head: 1_000,
  published,
  lagBlocks: 1_000 - published,
  failovers: 0,
  lastProgressAt: Date.now(),
  endpoints: [],
  blockedBy: null,
});

describe("enrichment stage during a backfill", () => {
  let anvil: Anvil;
  let dir: string;
  let head: number;
  beforeAll(async () => {
    anvil = await startAnvil({});
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    await deployErc20(client, { symbol: "TKC" });
    head = Number(await client.getBlockNumber());
    dir = mkdtempSync(join(tmpdir(), "chainlog-enrich-catch-up-"));
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads ingest's newest report for each batch: no trace while it catches up, every one at the head", async () => {
    const proxy = await countingProxy(anvil.rpcUrl);
    const bus = createSqliteBus({ path: join(dir, "bus.db") });
    const store = createSqliteStore({ path: join(dir, "store.db") });
    await store.migrate();
    const logger = createLogger("enrich-catch-up", "silent");
    const pool = createRpcPool({ endpoints: [{ url: proxy.url }], logger });
    const processor = createProcessor({
      bus,
      store,
      logger,
      metrics: createMetricsRegistry("enrich-catch-up"),
      sampleIntervalMs: 200,
      statusIntervalMs: 300,
      instance: "enrich-catch-up",
      enrich: { pool, traces: "on", watched: () => false },
    });
    try {
      // no report yet: the stage starts believing the node is free, and looks again only once a second
      await processor.start();
      await sleep(1_100);
      // ingest's report that it is backfilling lands right before its first blocks do
      await store.putServiceStatus(ingestReport(10));
      const envelopes = await publishRange(bus, anvil.rpcUrl, 0, head);
      const hashes = envelopes.map((e) => e.block.hash);
      await waitFor(() => processor.stats.blocks >= head + 1, 30_000, "raw rows stored");
      await sleep(1_500);
      expect(proxy.asked.get("debug_traceBlockByHash") ?? 0).toBe(0);
      expect((await store.getEnrichment(hashes)).size).toBeLessThan(hashes.length);

      // at the head: the held traces are asked and every block is enriched
      await store.putServiceStatus(ingestReport(1_000));
      await waitFor(
        async () => (await store.getEnrichment(hashes)).size === hashes.length,
        30_000,
        "enriched",
      );
      expect(proxy.asked.get("debug_traceBlockByHash") ?? 0).toBeGreaterThan(0);
    } finally {
      await processor.close();
      pool.close();
      await bus.close();
      await store.close();
      proxy.server.close();
    }
  }, 90_000);
});
