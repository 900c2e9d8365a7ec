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

const poolOn = (url: string, options: Partial<Parameters<typeof createRpcPool>[0]>) =>
  createRpcPool({ endpoints: [{ url }], logger: createLogger("test", "silent"), ...options });

/** Closes the pool once `call` is under way; what the call settled with, and how long after close it did. */
async function closeDuring(
  pool: ReturnType<typeof createRpcPool>,
  call: Promise<unknown>,
  underWay: () => Promise<void>,
) {
  const settled = call.then(
    () => "answered",
    (e: unknown) => e,
  );
  await underWay();
  const started = performance.now();
  pool.close();
  const outcome = await settled;
  return { outcome, ms: performance.now() - started };
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
    const pool = poolOn(node.url, { timeoutMs: 30_000 });
    const { outcome, ms } = await closeDuring(pool, pool.request("eth_blockNumber", []), async () => {
      while (node.requests() === 0) await new Promise((r) => setTimeout(r, 5));
    });
    expect(outcome).toBeInstanceOf(RpcPoolClosedError);
    expect(ms).toBeLessThan(1000);
  });

  it("ends retry waits of a batch that keeps failing, and refuses calls after close", async () => {
    const node = await failingNode();
    servers.push(node.server);
    const pool = poolOn(node.url, { maxRounds: 50 });
    const batch = pool.batch([{ method: "eth_blockNumber", params: [] }], { retryForMs: 60_000 });
    const { outcome, ms } = await closeDuring(pool, batch, () => new Promise((r) => setTimeout(r, 300)));
    expect(outcome).toBeInstanceOf(RpcPoolClosedError);
    expect(ms).toBeLessThan(1000);
    await expect(pool.request("eth_chainId", [])).rejects.toBeInstanceOf(RpcPoolClosedError);
  });
});
