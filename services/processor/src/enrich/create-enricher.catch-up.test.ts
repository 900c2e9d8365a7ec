import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startMisbehavingNode } from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import { createRpcPool } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import type { IngestStatus } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessor } from "../create-processor.ts";
import { publishRange, waitFor } from "../test-support/publish-blocks.ts";
import { startTokenChain, type TokenChain } from "../test-support/token-chain.ts";

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
  let chain: TokenChain;
  beforeAll(async () => {
    chain = await startTokenChain("TKC");
  }, 60_000);
  afterAll(async () => chain?.stop());

  it("reads ingest's newest report for each batch: no trace while it catches up, every one at the head", async () => {
    // counts the methods asked of the node, faults none
    const proxy = await startMisbehavingNode(chain.anvil.rpcUrl, []);
    const bus = createSqliteBus({ path: join(chain.dir, "bus.db") });
    const store = createSqliteStore({ path: join(chain.dir, "store.db") });
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
      const envelopes = await publishRange(bus, chain.anvil.rpcUrl, 0, chain.head);
      const hashes = envelopes.map((e) => e.block.hash);
      await waitFor(() => processor.stats.blocks >= chain.head + 1, 30_000, "raw rows stored");
      await sleep(1_500);
      expect(proxy.calls.get("debug_traceBlockByHash") ?? 0).toBe(0);
      expect((await store.getEnrichment(hashes)).size).toBeLessThan(hashes.length);

      // at the head: the held traces are asked and every block is enriched
      await store.putServiceStatus(ingestReport(1_000));
      await waitFor(
        async () => (await store.getEnrichment(hashes)).size === hashes.length,
        30_000,
        "enriched",
      );
      expect(proxy.calls.get("debug_traceBlockByHash") ?? 0).toBeGreaterThan(0);
    } finally {
      await processor.close();
      pool.close();
      await bus.close();
      await store.close();
      await proxy.close();
    }
  }, 90_000);
});
