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

  it("answers no cross-origin request: preflights get no Access-Control-Allow-Origin", async () => {
    const anvil = await startAnvil();
    try {
      const preflight = await fetch(anvil.rpcUrl, {
        method: "OPTIONS",
        headers: {
          origin: "https://some-page.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      await preflight.body?.cancel();
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      const post = await fetch(anvil.rpcUrl, {
        method: "POST",
        headers: { origin: "https://some-page.example", "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      expect(post.headers.get("access-control-allow-origin")).toBeNull();
      expect(((await post.json()) as { result: string }).result).toBe("0x7a69");
    } finally {
      await anvil.kill();
    }
  });
});
