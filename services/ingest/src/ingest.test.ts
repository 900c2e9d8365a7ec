import { anvilForSuite } from "@chainlog/devnet/vitest";
import { createLogger } from "@chainlog/telemetry";
import { describe, expect, it } from "vitest";
import { ingestHarness, rpc, waitFor } from "./test-support/harness.ts";

describe("ingest's readiness, per dependency", () => {
  const anvil = anvilForSuite({ pruneHistory: true }, { end: "kill" });

  it("starting, then ready at the head (idle is not stuck), rpc unhealthy when its only node dies, then stopped", async () => {
    await rpc(anvil.rpcUrl, "anvil_mine", ["0xa"]);
    const h = ingestHarness([{ url: anvil.rpcUrl }], { maxLag: 2 });
    try {
      // Endpoints start in rotation; the sync is not running yet.
      expect(h.ingest.readiness()).toEqual([
        { name: "rpc", ok: true },
        { name: "sync", ok: false, detail: "starting" },
      ]);
      void h.start();
      await h.untilTip((tip) => tip?.number === 10, 20_000, "ingest at the head");
      expect(h.ingest.readiness()).toEqual([
        { name: "rpc", ok: true },
        { name: "sync", ok: true },
      ]);
      // Two minutes without a new block is not stuck while at the head (only behind it).
      expect(h.ingest.readiness(Date.now() + 120_000)).toEqual([
        { name: "rpc", ok: true },
        { name: "sync", ok: true },
      ]);
      await anvil.kill();
      await waitFor(() => h.ingest.readiness()[0]!.ok === false, 20_000, "the dead node out of rotation");
      expect(h.ingest.readiness()[0]).toEqual({ name: "rpc", ok: false, detail: "no healthy RPC endpoint" });
    } finally {
      await h.stop();
    }
    expect(h.ingest.readiness()[1]).toEqual({ name: "sync", ok: false, detail: "stopped" });
  }, 60_000);
});

describe("ingest's stop", () => {
  const anvil = anvilForSuite({ pruneHistory: true });

  it("ends a backfill mid-way without warning about the fetches the stop itself ended", async () => {
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x7d0"]);
    const lines: string[] = [];
    const logger = createLogger("ingest-test", "warn", { write: (line: string) => lines.push(line) });
    const h = ingestHarness([{ url: anvil.rpcUrl }], { logger });
    void h.start();
    await h.untilTip((tip) => (tip?.number ?? 0) >= 100, 30_000, "the backfill under way");
    // as on SIGTERM: the pool closes at once, so the batches in flight fail
    await h.stopNow();
    expect(h.ingest.status().tip!.number).toBeLessThan(2000);
    expect(lines.filter((l) => l.includes('"level":"warn"') || l.includes('"level":"error"'))).toEqual([]);
  }, 60_000);
});
