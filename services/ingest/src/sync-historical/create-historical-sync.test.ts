import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anvilForSuite } from "@chainlog/devnet/vitest";
import { createSqliteStore } from "@chainlog/embedded";
import { afterAll, describe, expect, it } from "vitest";
import { ChainIdMismatchError } from "../errors.ts";
import { createStoreCursor } from "../publish/cursor-store.ts";
import { canonicalChain, openSyncHarness, rpc, sendTransfers } from "../test-support/harness.ts";

describe("createHistoricalSync on a real anvil", () => {
  const anvil = anvilForSuite(
    { pruneHistory: false },
    {
      end: "kill",
      prepare: async (node) => {
        await sendTransfers(node.rpcUrl, 30);
        await rpc(node.rpcUrl, "anvil_mine", ["0x14"]);
      },
    },
  );
  const dir = mkdtempSync(join(tmpdir(), "chainlog-historical-"));
  const store = createSqliteStore({ path: join(dir, "store.db") });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes a range in order from `from`, linked to the start block's parent, in bounded writes", async () => {
    await store.migrate();
    const cursor = createStoreCursor(store, 31337);
    const s = await openSyncHarness([{ url: anvil.rpcUrl }], {
      from: 5,
      cursor,
      blocksPerBatch: 3,
      maxBlocksPerPublish: 7,
    });
    try {
      const canonical = await canonicalChain(anvil.rpcUrl);
      const head = canonical.size - 1;
      expect(await s.historical.resolveStart(s.signal)).toBe(5);
      // Seeded with block 4, so block 5's parent hash is checked too.
      expect(s.published.chain.tip).toEqual({ number: 4, hash: canonical.get(4) });
      expect(s.blockedBy).toEqual([null]);

      await s.historical.syncRange(5, head, s.signal);
      const blocks = s.sink.envelopes.flatMap((e) => (e.kind === "block" ? [e.block] : []));
      expect(blocks.map((b) => b.number)).toEqual(Array.from({ length: head - 4 }, (_, i) => i + 5));
      expect(blocks.map((b) => b.hash)).toEqual(blocks.map((b) => canonical.get(b.number)));
      expect(blocks[0]!.parentHash).toBe(canonical.get(4));
      // Batches that arrived together go out in one write, which stops growing once it holds 7 blocks.
      expect(Math.max(...s.sink.writes)).toBeLessThanOrEqual(7 + 3 - 1);
      expect(s.sink.writes.reduce((a, b) => a + b, 0)).toBe(blocks.length);
      // The range's end is saved whatever the interval: a restart resumes after it.
      expect((await cursor.load())?.tip).toEqual({ number: head, hash: canonical.get(head) });
    } finally {
      s.close();
    }
  }, 60_000);

  it("resumes after the stored cursor, and a batch that no longer links is rolled back before going on", async () => {
    const cursor = createStoreCursor(store, 31337);
    const s = await openSyncHarness([{ url: anvil.rpcUrl }], { cursor });
    try {
      const before = await canonicalChain(anvil.rpcUrl);
      const tip = before.size - 1;
      expect(await s.historical.resolveStart(s.signal)).toBe(tip + 1);
      // The chain moves on without us: the newest 2 blocks are replaced, then it grows.
      await rpc(anvil.rpcUrl, "anvil_reorg", [2, []]);
      await sendTransfers(anvil.rpcUrl, 2, 5);
      await rpc(anvil.rpcUrl, "anvil_mine", ["0x3"]);
      const canonical = await canonicalChain(anvil.rpcUrl);
      const head = canonical.size - 1;
      await s.pool.checkHealth();

      // Block tip+1 does not link to our tip: the range stops at the repair, then resumes from the ancestor.
      await s.historical.syncRange(tip + 1, head, s.signal);
      expect(s.sink.envelopes.filter((e) => e.kind === "rollback")).toHaveLength(2);
      expect(s.published.chain.tip).toEqual({ number: tip - 2, hash: canonical.get(tip - 2) });
      const rollbacks = s.sink.envelopes.flatMap((e) => (e.kind === "rollback" ? [e] : []));
      expect(rollbacks.map((r) => r.block)).toEqual([
        { number: tip, hash: before.get(tip) },
        { number: tip - 1, hash: before.get(tip - 1) },
      ]);
      expect(rollbacks[0]!.commonAncestor).toEqual({ number: tip - 2, hash: canonical.get(tip - 2) });

      await s.historical.syncRange(tip - 1, head, s.signal);
      const blocks = s.sink.envelopes.flatMap((e) => (e.kind === "block" ? [e.block] : []));
      expect(blocks.map((b) => [b.number, b.hash])).toEqual(
        Array.from({ length: head - tip + 2 }, (_, i) => [tip - 1 + i, canonical.get(tip - 1 + i)]),
      );
      expect(blocks[0]!.parentHash).toBe(canonical.get(tip - 2));
      expect((await cursor.load())?.tip).toEqual({ number: head, hash: canonical.get(head) });
    } finally {
      s.close();
    }
  }, 60_000);

  it("refuses a stored cursor of another chain", async () => {
    // The node and this sync are chain 1's; the stored cursor (chain 31337's row) says otherwise.
    const s = await openSyncHarness([{ url: anvil.rpcUrl }], {
      cursor: createStoreCursor(store, 31337),
      chainId: 1,
    });
    try {
      await expect(s.historical.resolveStart(s.signal)).rejects.toBeInstanceOf(ChainIdMismatchError);
      expect(s.sink.envelopes).toHaveLength(0);
    } finally {
      s.close();
    }
  }, 30_000);
});
