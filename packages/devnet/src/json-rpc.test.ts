import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./anvil.ts";
import { DevnetRpcError, rpc, rpcBatch } from "./json-rpc.ts";

/** A node stand-in whose first `drops` requests lose their connection before any answer. */
async function flakyNode(drops: number, answer: unknown) {
  let seen = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen += 1;
      if (seen <= drops) req.socket.destroy();
      else res.setHeader("content-type", "application/json").end(JSON.stringify(answer));
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}`, server, seen: () => seen };
}

describe("the devnet's JSON-RPC calls", () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it("send a call again when its connection drops before the answer", async () => {
    const node = await flakyNode(2, { jsonrpc: "2.0", id: 1, result: "0x2a" });
    servers.push(node.server);
    expect(await rpc(node.url, "eth_blockNumber")).toBe("0x2a");
    expect(node.seen()).toBe(3);
  });

  it("send a batch again too, and give up after three drops", async () => {
    const node = await flakyNode(1, [{ jsonrpc: "2.0", id: 0, result: "0x1" }]);
    servers.push(node.server);
    expect(await rpcBatch(node.url, [["eth_chainId", []]])).toEqual(["0x1"]);
    const dead = await flakyNode(3, { jsonrpc: "2.0", id: 1, result: "0x1" });
    servers.push(dead.server);
    await expect(rpc(dead.url, "eth_chainId")).rejects.toThrow(TypeError);
    expect(dead.seen()).toBe(3);
  });

  it("do not repeat a call the node answered with an error", async () => {
    const node = await flakyNode(0, {
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32000, message: "nonce too low" },
    });
    servers.push(node.server);
    await expect(rpc(node.url, "eth_sendTransaction", [{}])).rejects.toThrow(DevnetRpcError);
    expect(node.seen()).toBe(1);
  });
});
