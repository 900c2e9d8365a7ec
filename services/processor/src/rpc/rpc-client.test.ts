import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Anvil, startAnvil } from "@chainlog/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRpcClient, orderEndpoints, RpcUnavailableError } from "./rpc-client.ts";

/** An endpoint that is up but failing: HTTP 503 to everything, counting the requests. */
function failingServer(): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(503).end("busy");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        hits: () => hits,
        server,
      }),
    ),
  );
}

describe("createRpcClient", () => {
  let anvil: Anvil;
  let failing: Awaited<ReturnType<typeof failingServer>>;
  beforeAll(async () => {
    anvil = await startAnvil({ pruneHistory: true });
    failing = await failingServer();
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
    await new Promise((r) => failing?.server.close(r));
  });

  it("fails over to the next endpoint on a transport error and stays there", async () => {
    const failovers: string[] = [];
    const rpc = createRpcClient({
      urls: [failing.url, anvil.rpcUrl],
      retryForMs: 5_000,
      onFailover: (from, to) => failovers.push(`${from} -> ${to}`),
    });
    const [chainId, missing] = await rpc.batch([
      { method: "eth_chainId", params: [] },
      { method: "eth_noSuchMethod", params: [] },
    ]);
    expect(chainId).toEqual({ ok: true, result: "0x7a69" });
    // A per-call error is an answer, not a reason to retry.
    expect(missing?.ok).toBe(false);
    expect(failovers).toHaveLength(1);
    expect(rpc.current()).toContain(`:${anvil.port}`);
    await rpc.batch([{ method: "eth_chainId", params: [] }]);
    expect(failovers).toHaveLength(1);
  });

  it("gives up after its retry budget instead of stalling", async () => {
    const before = failing.hits();
    const rpc = createRpcClient({ urls: [failing.url, "http://127.0.0.1:1"], retryForMs: 800 });
    const started = Date.now();
    await expect(rpc.batch([{ method: "eth_chainId", params: [] }])).rejects.toBeInstanceOf(
      RpcUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    // It did retry, with backoff, not once and not in a hot loop.
    expect(failing.hits() - before).toBeGreaterThan(1);
    expect(failing.hits() - before).toBeLessThan(20);
  });
});

describe("orderEndpoints", () => {
  it("reads ingest's #priority fragment (lower first, stable) and never sends it", () => {
    expect(
      orderEndpoints(["http://a#priority=2", "http://b", "http://c#priority=1&rps=5", "http://d"]),
    ).toEqual(["http://b", "http://d", "http://c", "http://a"]);
  });
});
