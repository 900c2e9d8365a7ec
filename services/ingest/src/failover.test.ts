import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { canonicalChain, ingestHarness, rpc } from "./test-support/harness.ts";
import { sendEverywhere, twinsForSuite } from "./test-support/twin-anvils.ts";

async function failoversOf(registry: {
  getSingleMetricAsString(n: string): Promise<string>;
}): Promise<number> {
  const text = await registry.getSingleMetricAsString("chainlog_ingest_rpc_failovers_total");
  return text
    .split("\n")
    .filter((l) => l.startsWith("chainlog_ingest_rpc_failovers_total{"))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

describe("failover between nodes holding the same chain", () => {
  const startTwins = twinsForSuite();

  it("survives the primary dying mid-backfill and the next one mid-follow, without gap or duplicate", async () => {
    const twins = await startTwins(3);
    const [a, b, c] = twins.nodes as [
      NonNullable<typeof twins>["nodes"][number],
      (typeof twins.nodes)[number],
      (typeof twins.nodes)[number],
    ];
    await sendEverywhere(twins.nodes, 5);
    await twins.mine(600);
    // A rate limit on every node makes the backfill last long enough to kill the primary in the middle of it.
    const h = ingestHarness(
      [
        { url: a.rpcUrl, priority: 0, maxRps: 200 },
        { url: b.rpcUrl, priority: 1, maxRps: 200 },
        { url: c.rpcUrl, priority: 2, maxRps: 200 },
      ],
      { blocksPerBatch: 5, maxConcurrency: 2 },
    );
    void h.start();
    try {
      await h.untilTip((tip) => (tip?.number ?? 0) >= 100, 30_000, "backfill under way");
      expect(h.ingest.status().tip!.number).toBeLessThan(550);
      await a.kill();
      const head = Number(BigInt(await rpc<string>(b.rpcUrl, "eth_blockNumber")));
      await h.untilTip((tip) => tip?.number === head, 60_000, "backfill done on the backup");
      expect(await failoversOf(h.registry)).toBeGreaterThan(0);
      const afterBackfill = await failoversOf(h.registry);

      // Following the head on b; then b dies between blocks and c carries on.
      for (let i = 0; i < 5; i++) {
        await twins.mine(1);
        await sleep(150);
      }
      // Quiet for a moment, so the preferred node b is the one serving when it dies.
      await sleep(500);
      await b.kill();
      for (let i = 0; i < 5; i++) {
        await twins.mine(1);
        await sleep(150);
      }
      const finalHead = Number(BigInt(await rpc<string>(c.rpcUrl, "eth_blockNumber")));
      await h.untilTip((tip) => tip?.number === finalHead, 30_000, "following on the last node");
      expect(await failoversOf(h.registry)).toBeGreaterThan(afterBackfill);

      const blocks = h.sink.envelopes.filter((e) => e.kind === "block");
      expect(h.sink.envelopes.filter((e) => e.kind === "rollback")).toHaveLength(0);
      expect(blocks.map((e) => e.block.number)).toEqual(Array.from({ length: finalHead + 1 }, (_, i) => i));
      expect(h.held()).toEqual(await canonicalChain(c.rpcUrl));
      const status = h.pool.status();
      expect(status[0]!.healthy).toBe(false);
      expect(status[1]!.healthy).toBe(false);
      expect(status[2]!.healthy).toBe(true);
    } finally {
      await h.stop();
    }
  }, 180_000);
});
