import { anvilForSuite } from "@chainlog/devnet/vitest";
import { describe, expect, it } from "vitest";
import { rpc, sendTransfers } from "./harness.ts";

describe("test harness on a real anvil", () => {
  const anvil = anvilForSuite({}, { end: "kill" });

  it("sendTransfers returns once the node's head holds the last transfer", async () => {
    // Anvil answers eth_sendTransaction before the block is its head, about one time in ten here: without the
    // wait, some of these heads would be one short.
    for (let i = 0; i < 100; i++) {
      const before = Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")));
      await sendTransfers(anvil.rpcUrl, 1, i + 1);
      expect(Number(BigInt(await rpc<string>(anvil.rpcUrl, "eth_blockNumber")))).toBe(before + 1);
    }
  }, 60_000);
});
