import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@chainlog/telemetry";
import { afterEach, describe, expect, it } from "vitest";
import { RpcPoolClosedError } from "./errors.ts";
import { createRpcPool } from "./rpc-pool.ts";

// A node that takes every request and never answers (a node busy re-executing blocks looks like this).
async function silentNode(): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer(() => {
    requests++;
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    server,
    requests: () => requests,
  };
}

// A node that answers every call with a transient error, so the pool waits and retries.
async function failingNode(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(503).end("busy"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe("RpcPool close", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it("ends a request in flight at once instead of waiting for the timeout", async () => {
    const node = await silentNode();
    servers.push(node.server);
    const pool = createRpcPool({
      endpoints: [{ url: node.url }],
      logger: createLogger("test", "silent"),
      timeoutMs: 30_000,
    });
    const call = pool.request("eth_blockNumber", []);
    const settled = call.then(
      () => "answered",
      (e: unknown) => e,
    );
    while (node.requests() === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    pool.close();
    const outcome = await settled;
    expect(outcome).toBeInstanceOf(RpcPoolClosedError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("ends retry waits of a batch that keeps failing, and refuses calls after close", async () => {
    const node = await failingNode();
    servers.push(node.server);
    const pool = createRpcPool({
      endpoints: [{ url: node.url }],
      logger: createLogger("test", "silent"),
      maxRounds: 50,
    });
    const settled = pool.batch([{ method: "eth_blockNumber", params: [] }], { retryForMs: 60_000 }).then(
      () => "answered",
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    pool.close();
    expect(await settled).toBeInstanceOf(RpcPoolClosedError);
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(pool.request("eth_chainId", [])).rejects.toBeInstanceOf(RpcPoolClosedError);
  });
});
