import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import type { Store } from "@chainlog/ports";
import { createRpcPool } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createProcessor } from "../create-processor.ts";
import { publishRange, waitFor } from "../test-support/publish-blocks.ts";
import { startTokenChain, type TokenChain } from "../test-support/token-chain.ts";

/**
 * What main.ts does on SIGTERM: the RPC pool closes first, then the processor. The enrichment batch that meets the
 * closed pool is neither retried in a loop nor committed: it is enriched after the restart.
 */
describe("enrichment stage on shutdown (pool closed first)", () => {
  let chain: TokenChain;
  beforeAll(async () => {
    chain = await startTokenChain("TKS");
  }, 60_000);
  afterAll(async () => chain?.stop());

  const start = (store: Store, bus: ReturnType<typeof createSqliteBus>, name: string) => {
    // every warning or error of the processor and its stages, as the lines it would log
    const warnings: string[] = [];
    const logger = createLogger(name, "warn", { write: (line: string) => void warnings.push(line) });
    const pool = createRpcPool({ endpoints: [{ url: chain.anvil.rpcUrl }], logger });
    const processor = createProcessor({
      bus,
      store,
      logger,
      metrics: createMetricsRegistry(name),
      sampleIntervalMs: 200,
      statusIntervalMs: 300,
      instance: name,
      enrich: { pool, retryForMs: 2_000, traces: "on", watched: () => false },
    });
    return { warnings, pool, processor };
  };

  it("holds the batch without retry warnings, stops at once, and redoes the batch after the restart", async () => {
    const bus = createSqliteBus({ path: join(chain.dir, "bus.db") });
    const store = createSqliteStore({ path: join(chain.dir, "store.db") });
    await store.migrate();
    const hashes: string[] = [];
    const reads = vi.spyOn(store, "getEnrichment");

    const first = start(store, bus, "before-sigterm");
    first.pool.close();
    await first.processor.start();
    const envelopes = await publishRange(bus, chain.anvil.rpcUrl, 0, chain.head);
    for (const e of envelopes) hashes.push(e.block.hash);
    await waitFor(() => first.processor.stats.blocks >= chain.head + 1, 30_000, "raw rows stored");
    const tokenBlock = hashes[hashes.length - 1] as string;
    /** The enrichment batches that asked for the token's block: the one that needs the (closed) node. */
    const attempts = () => reads.mock.calls.filter(([asked]) => asked.includes(tokenBlock)).length;
    await waitFor(() => attempts() > 0, 30_000, "enrichment batch started");
    // the embedded bus retries a failed batch after 100, 200, 400, 800 ms: a loop would have read again by now
    await sleep(1_600);
    expect(attempts()).toBe(1);
    expect(first.warnings).toEqual([]);
    const stopping = Date.now();
    await first.processor.close();
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(first.warnings).toEqual([]);
    expect((await store.getEnrichment([tokenBlock])).size).toBe(0);

    // the restart: the uncommitted batch is delivered again and enriched
    const second = start(store, bus, "after-restart");
    second.pool.start();
    await second.processor.start();
    await waitFor(async () => (await store.getEnrichment(hashes)).size === hashes.length, 60_000, "enriched");
    await second.processor.close();
    second.pool.close();
    await bus.close();
    await store.close();
  }, 120_000);
});
