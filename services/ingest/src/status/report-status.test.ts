import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, startAnvil } from "@chainlog/devnet";
import { createSqliteOperationalState } from "@chainlog/embedded";
import type { OperationalState } from "@chainlog/ports";
import { createLogger } from "@chainlog/telemetry";
import { IngestStatus } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestHarness, rpc, sendTransfers, waitFor } from "../test-support/harness.ts";
import { createStatusReporter, defaultInstance } from "./report-status.ts";

describe("ingest status reports on a real anvil into the embedded store", () => {
  let anvil: Anvil;
  let store: OperationalState;
  const dir = mkdtempSync(join(tmpdir(), "chainlog-ingest-status-"));
  beforeAll(async () => {
    anvil = await startAnvil();
    store = createSqliteOperationalState({ path: join(dir, "store.db") });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await anvil?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports head, published tip and endpoint health, with the endpoint's key redacted", async () => {
    await sendTransfers(anvil.rpcUrl, 5);
    const head = Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
    // A second endpoint that is down, with a provider-style key in its path: it must never reach the report.
    const secret = "k3y0f4pr0v1d3r5ecr3t99";
    const h = ingestHarness([
      { url: anvil.rpcUrl, priority: 0 },
      { url: `http://127.0.0.1:9/v2/${secret}`, priority: 1 },
    ]);
    const reporter = createStatusReporter({
      store,
      ingest: h.ingest,
      pool: h.pool,
      instance: "ingest-test-0",
      intervalMs: 100,
      logger: createLogger("ingest-status-test", "silent"),
    });
    void h.start();
    reporter.start();
    try {
      let report: IngestStatus | undefined;
      await waitFor(
        async () => {
          const all = await store.getServiceStatuses(60_000);
          report = all.find(
            (r): r is IngestStatus => r.service === "ingest" && r.instance === "ingest-test-0",
          );
          return report?.published === head && report.endpoints.some((e) => e.lastError !== null);
        },
        30_000,
        "a report of the caught-up ingest",
      );
      expect(IngestStatus.parse(report)).toEqual(report);
      expect(report).toMatchObject({ leader: true, head, published: head, lagBlocks: 0 });
      expect(Date.now() - report!.updatedAt).toBeLessThan(10_000);
      expect(report!.endpoints).toHaveLength(2);
      expect(report!.endpoints[0]).toMatchObject({ healthy: true, head, lag: 0 });
      expect(report!.endpoints[1]).toMatchObject({ healthy: false });
      expect(JSON.stringify(report)).not.toContain(secret);

      // Newer reports replace the older one as the chain moves on.
      await sendTransfers(anvil.rpcUrl, 2, 7);
      await waitFor(
        async () => {
          const all = await store.getServiceStatuses(60_000);
          return all.some((r) => r.service === "ingest" && r.published === head + 2);
        },
        30_000,
        "a report of the new tip",
      );
      expect(
        (await store.getServiceStatuses(60_000)).filter((r) => r.instance === "ingest-test-0"),
      ).toHaveLength(1);
    } finally {
      await reporter.stop();
      await h.stop();
    }
  });

  it("reports often until it names the node's head as leader, then at its interval", async () => {
    // The ingest learns the head 600 ms after start: the report that says so must not wait for the 60 s interval.
    const startedAt = Date.now();
    let written = 0;
    const counting: Pick<OperationalState, "putServiceStatus"> = {
      putServiceStatus: async (s) => {
        written += 1;
        await store.putServiceStatus(s);
      },
    };
    const reporter = createStatusReporter({
      store: counting,
      ingest: {
        status: () => ({
          tip: null,
          head: Date.now() - startedAt < 600 ? -1 : 4_000,
          lastProgressAt: startedAt,
          concurrency: 1,
          endpoints: [],
          blockedBy: null,
        }),
      },
      pool: { failovers: () => 0, featuresOff: () => [], permanentErrors: () => [] },
      instance: "ingest-settle-0",
      intervalMs: 60_000,
      logger: createLogger("ingest-status-test", "silent"),
    });
    reporter.start();
    try {
      await waitFor(
        async () =>
          (await store.getServiceStatuses(60_000)).some(
            (r) => r.instance === "ingest-settle-0" && r.service === "ingest" && r.head === 4_000,
          ),
        5_000,
        "a report naming the head",
      );
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      const settledAt = written;
      await new Promise((r) => setTimeout(r, 1_000));
      // settled: nothing more until the 60 s interval
      expect(written).toBe(settledAt);
      expect(settledAt).toBeGreaterThanOrEqual(2);
    } finally {
      await reporter.stop();
    }
  });

  it("names the instance after the pod, else host and pid", () => {
    expect(defaultInstance("ingest-7f9c-0")).toBe("ingest-7f9c-0");
    expect(defaultInstance()).toMatch(/^.+:\d+$/);
  });
});
