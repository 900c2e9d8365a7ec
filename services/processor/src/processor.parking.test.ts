import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import type { ConsumedMessage } from "@chainlog/ports";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { Topics } from "@chainlog/tx-schema";
import { afterAll, describe, expect, it } from "vitest";
import { createProcessor, PARKED_TOPIC } from "./create-processor.ts";
import { waitFor } from "./test-support/publish-blocks.ts";

describe("processor with bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-processor-parking-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parks an undecodable message with its reason and keeps going", async () => {
    const bus = createSqliteBus({ path: join(dir, "bus.db") });
    const store = await createSqliteStore({ path: join(dir, "store.db") });
    await store.migrate();
    const processor = createProcessor({
      bus,
      store,
      logger: createLogger("processor-test", "silent"),
      metrics: createMetricsRegistry("processor-test"),
      sampleIntervalMs: 200,
    });
    await processor.start();
    const parked: ConsumedMessage[] = [];
    const sub = await bus.consume({
      topic: PARKED_TOPIC,
      group: "test-parked",
      onBatch: async (b) => {
        parked.push(...b);
      },
    });
    try {
      await bus.publish(Topics.blocks, [
        { key: "31337:999", value: Buffer.from("{not json"), headers: { "chainlog-schema-version": "2" } },
      ]);
      await waitFor(() => parked.length === 1, 20_000, "the parked message");
      expect(parked[0]?.headers["chainlog-parked-reason"]).toMatch(/not JSON/);
      expect(parked[0]?.value.toString()).toBe("{not json");
      expect(processor.stats.invalidMessages).toBe(1);
      await waitFor(async () => (await bus.consumerLag(Topics.blocks, "processor")) === 0, 20_000, "lag 0");
    } finally {
      await sub.close();
      await processor.close();
      await bus.close();
      await store.close();
    }
  });
});
