import { describe, expect, it } from "vitest";
import { type Fault, startFaultyProxy } from "./test-support/faulty-proxy.ts";
import { anvilWithTransfers, canonicalChain, ingestHarness, rpc } from "./test-support/harness.ts";

describe("an endpoint that answers garbage", () => {
  const anvil = anvilWithTransfers({ pruneHistory: true }, 40, 20);

  it("falls back to per-transaction receipts where eth_getBlockReceipts is missing", async () => {
    const proxy = await startFaultyProxy(anvil.rpcUrl, "no-block-receipts");
    const h = ingestHarness([{ url: proxy.url }], { blocksPerBatch: 4 });
    try {
      void h.start();
      const canonical = await canonicalChain(anvil.rpcUrl);
      await h.untilTip((tip) => tip?.number === canonical.size - 1, 30_000, "ingest at the head");
      expect(h.held()).toEqual(canonical);
      const withTxs = h.sink.envelopes.filter((e) => e.kind === "block" && e.transactions.length > 0);
      expect(withTxs.length).toBeGreaterThan(0);
      for (const env of withTxs) {
        if (env.kind !== "block") continue;
        const receipts = await rpc<{ transactionHash: string; gasUsed: string }[]>(
          anvil.rpcUrl,
          "eth_getBlockReceipts",
          [`0x${env.block.number.toString(16)}`],
        );
        expect(env.receipts.map((r) => [r.transactionHash, r.gasUsed])).toEqual(
          receipts.map((r) => [r.transactionHash, BigInt(r.gasUsed).toString()]),
        );
      }
      expect(h.pool.status()[0]!.healthy).toBe(true);
    } finally {
      await h.stop();
      await proxy.close();
    }
  }, 60_000);

  for (const fault of ["malformed-json", "truncated-transactions", "wrong-parent-hash"] as Fault[]) {
    it(`${fault}: nothing from it is published, the good endpoint's data is`, async () => {
      const proxy = await startFaultyProxy(anvil.rpcUrl, fault);
      // The faulty endpoint is preferred, so it is asked first for everything.
      const h = ingestHarness(
        [
          { url: proxy.url, priority: 0 },
          { url: anvil.rpcUrl, priority: 1 },
        ],
        { blocksPerBatch: 4 },
      );
      try {
        void h.start();
        const canonical = await canonicalChain(anvil.rpcUrl);
        const head = canonical.size - 1;
        await h.untilTip((tip) => tip?.number === head, 30_000, "ingest at the head");
        expect(proxy.requests).toBeGreaterThan(0);
        expect(h.held()).toEqual(canonical);
        for (const env of h.sink.envelopes) {
          if (env.kind !== "block") continue;
          const node = await rpc<{ parentHash: string; transactions: string[] }>(
            anvil.rpcUrl,
            "eth_getBlockByNumber",
            [`0x${env.block.number.toString(16)}`, false],
          );
          expect(env.block.parentHash).toBe(node.parentHash);
          expect(env.transactions.map((t) => t.hash)).toEqual(node.transactions);
          expect(env.receipts).toHaveLength(node.transactions.length);
        }
        const errors = await h.registry.getSingleMetricAsString("chainlog_ingest_rpc_errors_total");
        expect(errors).toMatch(/endpoint="0:[^"]*",class="transient"[^}]*\} [1-9]/);
      } finally {
        await h.stop();
        await proxy.close();
      }
    }, 60_000);
  }
});
