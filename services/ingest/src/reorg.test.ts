import { anvilForSuite } from "@chainlog/devnet/vitest";
import { describe, expect, it } from "vitest";
import { canonicalChain, ingestHarness, rpc, sendTransfers } from "./test-support/harness.ts";

describe("reorgs on a real anvil", () => {
  const anvil = anvilForSuite({ pruneHistory: false }, { end: "kill" });

  it("after applying rollbacks, the stream equals the node's canonical chain (depths 1, 5, 40)", async () => {
    await sendTransfers(anvil.rpcUrl, 3);
    await rpc(anvil.rpcUrl, "anvil_mine", ["0x32"]);
    const h = ingestHarness([{ url: anvil.rpcUrl }]);
    void h.start();
    try {
      for (const [i, depth] of [1, 5, 40].entries()) {
        const head = Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
        await h.untilTip((tip) => tip?.number === head, 20_000, `ingest at ${head}`);
        const rollbacksBefore = h.sink.envelopes.filter((e) => e.kind === "rollback").length;
        // Replace the newest `depth` blocks (same height), then extend the new branch with other transactions.
        await rpc(anvil.rpcUrl, "anvil_reorg", [depth, []]);
        await sendTransfers(anvil.rpcUrl, 2, 7 + i);
        await rpc(anvil.rpcUrl, "anvil_mine", ["0x2"]);
        const newHead = Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
        const canonical = await canonicalChain(anvil.rpcUrl);
        await h.untilTip(
          (tip) => tip?.hash === canonical.get(newHead),
          20_000,
          `ingest on the new branch at ${newHead}`,
        );
        const rollbacks = h.sink.envelopes.filter((e) => e.kind === "rollback").length - rollbacksBefore;
        expect(rollbacks).toBe(depth);
        expect(h.held()).toEqual(canonical);
      }
    } finally {
      await h.stop();
    }
  }, 90_000);
});
