import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { IngestStatus, ProcessorStatus } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../server.ts";
import { type ApiHarness, openApiHarness, sampleChain } from "../test-support/api-harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;

const ingestReport = (
  instance: string,
  head: number | null,
  published: number | null,
  updatedAt = Date.now(),
) =>
  IngestStatus.parse({
    service: "ingest",
    instance,
    updatedAt,
    leader: true,
    head,
    published,
    lagBlocks: head !== null && published !== null ? head - published : null,
    failovers: 1,
    lastProgressAt: updatedAt - 1000,
    endpoints: [
      {
        label: "0:http://127.0.0.1:8545/",
        priority: 0,
        healthy: true,
        head: head ?? 0,
        lag: 0,
        latencyMs: 1.5,
        consecutiveFailures: 0,
        rateLimitRps: null,
        lastError: null,
      },
    ],
  });
const processorReport = (instance: string, consumerLag: number | null, updatedAt = Date.now()) =>
  ProcessorStatus.parse({
    service: "processor",
    instance,
    updatedAt,
    lastBlock: 5,
    consumerLag,
    blocksPerSecond: 12.5,
    rollbacks: 0,
    lastProgressAt: updatedAt,
  });

describe("GET /v1/status", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await openApiHarness({ blocks: sampleChain(5) });
  });
  afterAll(async () => h?.close());

  const status = async (app = h.app) => {
    const res = await app.inject({ method: "GET", url: "/v1/status" });
    expect(res.statusCode).toBe(200);
    return res.json() as Json;
  };

  it("reports nothing but the stored tip before any service reported", async () => {
    const body = await status();
    expect(body).toMatchObject({
      head: null,
      latestStored: { number: 5, hash: sampleChain(5)[4]!.block.hash },
      indexLagBlocks: null,
      ingest: [],
      processor: [],
      consumerLag: null,
      store: { ok: true },
      metaStore: { ok: true },
      traces: null,
    });
    expect(Math.abs(body.generatedAt - Date.now())).toBeLessThan(5000);
  });

  it("combines the live reports: max head, lag against the stored tip, max consumer lag; expired ones left out", async () => {
    await h.store.putServiceStatus(ingestReport("ingest-a", 120, 118));
    await h.store.putServiceStatus(ingestReport("ingest-b", 125, 125));
    await h.store.putServiceStatus(ingestReport("ingest-gone", 999, 999, Date.now() - 120_000));
    await h.store.putServiceStatus(processorReport("processor-a", 3));
    await h.store.putServiceStatus(processorReport("processor-b", 7));
    await h.store.putServiceStatus(processorReport("processor-c", null));
    const body = await status();
    expect(body.head).toBe(125);
    expect(body.indexLagBlocks).toBe(120);
    expect(body.consumerLag).toBe(7);
    expect(body.ingest.map((r: Json) => r.instance).sort()).toEqual(["ingest-a", "ingest-b"]);
    expect(body.processor.map((r: Json) => r.instance).sort()).toEqual([
      "processor-a",
      "processor-b",
      "processor-c",
    ]);
    for (const r of body.ingest) IngestStatus.parse(r);
    for (const r of body.processor) ProcessorStatus.parse(r);

    // A newer report of the same instance replaces the old one.
    await h.store.putServiceStatus(ingestReport("ingest-b", 130, 129));
    const again = await status();
    expect(again.ingest).toHaveLength(2);
    expect(again.head).toBe(130);
  });

  it("says whether traces are read and, when they are not, why", async () => {
    const fresh = await openApiHarness();
    try {
      const enrichment = (traces?: { on: boolean; reason: string | null }) => ({
        lag: 0,
        blocks: 5,
        blocksPerSecond: 1,
        lastProgressAt: Date.now(),
        featuresOff: [],
        permanentErrors: [],
        ...(traces ? { traces } : {}),
      });
      const report = (instance: string, e: ReturnType<typeof enrichment> | null) =>
        fresh.store.putServiceStatus(
          ProcessorStatus.parse({ ...processorReport(instance, 0), enrichment: e }),
        );
      await report("raw-only", null);
      expect((await status(fresh.app)).traces).toEqual({
        on: false,
        reason: "no processor runs the enrichment stage (PROCESSOR_ENRICH)",
      });
      const noTracer = { on: false, reason: "the node cannot trace (method not found)" };
      await report("enricher-a", enrichment(noTracer));
      expect((await status(fresh.app)).traces).toEqual(noTracer);
      await report("enricher-b", enrichment({ on: true, reason: null }));
      expect((await status(fresh.app)).traces).toEqual({ on: true, reason: null });
    } finally {
      await fresh.close();
    }
  });

  it("still answers, naming the failure but not the driver's message, when the store fails", async () => {
    // The real store with its reads failing the way a driver does (a message carrying a host and a secret).
    const failing = new Set(["getServiceStatuses", "getLatestBlock", "health"]);
    const broken = new Proxy(h.store, {
      get: (target, key, receiver) =>
        typeof key === "string" && failing.has(key)
          ? async () => {
              throw new Error("connect ECONNREFUSED 10.1.2.3:9042 (password=hunter2)");
            }
          : Reflect.get(target, key, receiver),
    });
    const app = await createApiServer({
      store: broken,
      meta: h.meta,
      logger: createLogger("query-api-test", "silent"),
      metrics: createMetricsRegistry("query-api-status-test"),
    });
    try {
      const body = await status(app as typeof h.app);
      expect(body.store.ok).toBe(false);
      expect(body.store.detail).toBe("Error");
      expect(JSON.stringify(body)).not.toContain("hunter2");
      expect(body.metaStore.ok).toBe(true);
      expect(body).toMatchObject({ latestStored: null, ingest: [], processor: [], head: null });
    } finally {
      await app.close();
    }
  });
});
