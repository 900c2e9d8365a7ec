import { describe, expect, it } from "vitest";
import { startAnvil } from "./anvil.ts";

async function rpc(url: string, method: string, params: unknown[] = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

describe("startAnvil", () => {
  it("starts a node on a free port that mines on request, and kill() ends it", async () => {
    const anvil = await startAnvil({ chainId: 4242 });
    try {
      expect(await rpc(anvil.rpcUrl, "eth_chainId")).toBe("0x1092");
      await rpc(anvil.rpcUrl, "anvil_mine", ["0x5"]);
      expect(await rpc(anvil.rpcUrl, "eth_blockNumber")).toBe("0x5");
    } finally {
      await anvil.kill();
    }
    await expect(rpc(anvil.rpcUrl, "eth_chainId")).rejects.toThrow();
  });
});
