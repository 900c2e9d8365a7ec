import type { RequestListener } from "node:http";
import { describe, expect, it } from "vitest";
import { NoHealthyEndpointError } from "./errors.ts";
import { poolOn, useTestNodes } from "./test-support/test-nodes.ts";

// A node that answers every call, but only after `delayMs` (a node re-executing a block for its tracer).
const slowly =
  (delayMs: number): RequestListener =>
  (req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const calls = JSON.parse(body) as { id: number }[];
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(calls.map((c) => ({ jsonrpc: "2.0", id: c.id, result: "0x10" }))));
      }, delayMs);
    });
  };

describe("RpcPool calls slow by nature (CallOptions.timeoutMs)", () => {
  const serve = useTestNodes();

  it("waits the call's own timeout once, instead of asking again after the pool's", async () => {
    const node = await serve(slowly(600));
    const pool = poolOn(node.url, { timeoutMs: 200 });
    const before = pool.status()[0]!;
    const answer = await pool.withEndpoint((c) => c.call("eth_blockNumber", []), { timeoutMs: 5_000 });
    expect(answer).toBe("0x10");
    // asked once: nothing abandoned for the node to run twice
    expect(node.requests()).toBe(1);
    const after = pool.status()[0]!;
    expect(after.healthy).toBe(true);
    // a slow answer by nature neither shrinks the window nor reads as the endpoint's latency
    expect(after.concurrency).toBeGreaterThanOrEqual(before.concurrency);
    expect(after.latencyMs).toBe(before.latencyMs);
    pool.close();
  });

  it("an ordinary call to the same node times out and is asked again", async () => {
    const node = await serve(slowly(600));
    const pool = poolOn(node.url, { timeoutMs: 200, maxRounds: 2 });
    await expect(pool.request("eth_blockNumber", [])).rejects.toBeInstanceOf(NoHealthyEndpointError);
    expect(node.requests()).toBe(2);
    expect(pool.status()[0]!.healthy).toBe(false);
    pool.close();
  });
});
