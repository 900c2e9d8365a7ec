import { anvilForSuite } from "@chainlog/devnet/vitest";
import { fetchBlocks } from "@chainlog/rpc";
import { describe, expect, it } from "vitest";
import { startFaultyProxy } from "../test-support/faulty-proxy.ts";
import { canonicalChain, openSyncHarness, rpc, sendTransfers } from "../test-support/harness.ts";

const rollbacksIn = (s: { sink: { envelopes: { kind: string }[] } }) =>
  s.sink.envelopes.filter((e) => e.kind === "rollback").length;

describe("createRealtimeSync on a real anvil", () => {
  const anvil = anvilForSuite({ pruneHistory: false }, { end: "kill" });

  it("at the head: a same-height reorg is rolled back to the common ancestor, finality published once", async () => {
    await sendTransfers(anvil.rpcUrl, 4);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x10"]);
    const s = await openSyncHarness([{ url: anvil.rpcUrl }]);
    try {
      const before = await canonicalChain(anvil.rpcUrl);
      const head = before.size - 1;
      await s.historical.syncRange(await s.historical.resolveStart(s.signal), head, s.signal);

      await s.realtime.checkHead(s.signal);
      expect(rollbacksIn(s)).toBe(0);
      const finality = s.sink.envelopes.filter((e) => e.kind === "finality");
      expect(finality).toHaveLength(1);
      // Nothing changed: the same tags are not published again.
      await s.realtime.checkHead(s.signal);
      expect(s.sink.envelopes.filter((e) => e.kind === "finality")).toHaveLength(1);

      // Same height, other hashes: only the head check can see it (no new block to link).
      await rpc(anvil.rpcUrl, "anvil_reorg", [3, []]);
      const canonical = await canonicalChain(anvil.rpcUrl);
      expect(canonical.size - 1).toBe(head);
      await s.realtime.checkHead(s.signal);
      const rollbacks = s.sink.envelopes.flatMap((e) => (e.kind === "rollback" ? [e] : []));
      expect(rollbacks.map((r) => r.block.number)).toEqual([head, head - 1, head - 2]);
      expect(rollbacks.map((r) => r.block.hash)).toEqual(
        [head, head - 1, head - 2].map((n) => before.get(n)),
      );
      for (const r of rollbacks)
        expect(r.commonAncestor).toEqual({ number: head - 3, hash: canonical.get(head - 3) });
      expect(s.published.chain.tip).toEqual({ number: head - 3, hash: canonical.get(head - 3) });
    } finally {
      s.close();
    }
  }, 60_000);

  it("a resumed tip that the node no longer has is rolled back before anything is fetched", async () => {
    const s = await openSyncHarness([{ url: anvil.rpcUrl }]);
    try {
      const before = await canonicalChain(anvil.rpcUrl);
      const head = before.size - 1;
      s.published.chain.reset([...before].slice(-10).map(([number, hash]) => ({ number, hash })));
      await s.realtime.verifyResumedTip(s.signal);
      expect(rollbacksIn(s)).toBe(0);

      await rpc(anvil.rpcUrl, "anvil_reorg", [2, []]);
      await s.realtime.verifyResumedTip(s.signal);
      expect(rollbacksIn(s)).toBe(2);
      expect(s.published.chain.tip).toEqual({ number: head - 2, hash: before.get(head - 2) });
    } finally {
      s.close();
    }
  }, 60_000);

  it("a block that does not link while its parent is still canonical charges the endpoint, not the chain", async () => {
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x6"]);
    const proxy = await startFaultyProxy(anvil.rpcUrl, "wrong-parent-hash");
    const s = await openSyncHarness([
      { url: proxy.url, priority: 0 },
      { url: anvil.rpcUrl, priority: 1 },
    ]);
    try {
      const canonical = await canonicalChain(anvil.rpcUrl);
      const head = canonical.size - 1;
      // The proxy gives every block whose number divides by 3 a wrong parent hash.
      const n = head - (head % 3);
      s.published.chain.reset([{ number: n - 1, hash: canonical.get(n - 1)! }]);
      const fetched = await fetchBlocks(s.pool, 31337, n, n);
      expect(fetched.endpoint.startsWith("0:")).toBe(true);
      expect(fetched.envelopes[0]!.block.parentHash).not.toBe(canonical.get(n - 1));

      await s.realtime.reconcile(fetched, s.signal);
      expect(rollbacksIn(s)).toBe(0);
      expect(s.published.chain.tip).toEqual({ number: n - 1, hash: canonical.get(n - 1) });
      expect(s.pool.status()[0]!.healthy).toBe(false);
      expect(await s.registry.getSingleMetricAsString("chainlog_ingest_invalid_links_total")).toMatch(/ 1$/m);
    } finally {
      s.close();
      await proxy.close();
    }
  }, 60_000);
});
