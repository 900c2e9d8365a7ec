import { describe, expect, it } from "vitest";
import { ingestHarness, rpc } from "./test-support/harness.ts";
import { twinsForSuite } from "./test-support/twin-anvils.ts";

describe("a lagging endpoint", () => {
  const startTwins = twinsForSuite();

  it("leaves the rotation when it stops mining, and its lower head is lag, not a reorg", async () => {
    const twins = await startTwins(2);
    const [live, stale] = twins.nodes as [(typeof twins.nodes)[number], (typeof twins.nodes)[number]];
    await twins.mine(10);
    // The stale node is the preferred one: only health checks can keep ingest away from it.
    const h = ingestHarness(
      [
        { url: stale.rpcUrl, priority: 0 },
        { url: live.rpcUrl, priority: 1 },
      ],
      { maxLag: 3 },
    );
    void h.start();
    try {
      await h.untilTip((tip) => tip?.number === 10, 20_000, "ingest at 10");
      await rpc(live.rpcUrl, "anvil_mine", ["0x14", "0x1"]);
      await h.untilTip((tip) => tip?.number === 30, 20_000, "ingest at 30 from the live node");
      const status = h.pool.status();
      expect(status[0]).toMatchObject({ healthy: false, head: 10, lag: 20 });
      expect(status[1]).toMatchObject({ healthy: true, head: 30, lag: 0 });
      expect(h.sink.envelopes.filter((e) => e.kind === "rollback")).toHaveLength(0);
      const healthy = await h.registry.getSingleMetricAsString("chainlog_ingest_rpc_endpoint_healthy");
      expect(healthy).toMatch(/endpoint="0:[^"]*"[^}]*\} 0\n/);
    } finally {
      await h.stop();
    }
  }, 60_000);
});
