import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyError } from "./classify.ts";
import { RpcHttpError, RpcTimeoutError } from "./errors.ts";
import { postBatch } from "./json-rpc.ts";

/** A node answering each path its own way; every answer echoes the batch's ids with result = the method. */
let server: Server;
let base: string;
const answer = async (req: IncomingMessage) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  const calls = JSON.parse(body) as { id: number; method: string }[];
  return JSON.stringify(calls.map((c) => ({ jsonrpc: "2.0", id: c.id, result: c.method })));
};
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  "/plain": async (req, res) => {
    res.end(await answer(req));
  },
  "/gzip": async (req, res) => {
    res.setHeader("content-encoding", "gzip");
    res.end(gzipSync(await answer(req)));
  },
  "/moved": async (req, res) => {
    req.resume();
    res.writeHead(307, { location: "/plain" }).end();
  },
  "/busy": async (req, res) => {
    req.resume();
    res.writeHead(503).end("busy");
  },
  "/drop": async (req, res) => {
    req.resume();
    res.writeHead(200, { "content-length": "1000" });
    res.write('[{"jsonrpc":"2.0","id":0,');
    setTimeout(() => res.destroy(), 20);
  },
  "/slow": async (req) => {
    req.resume();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => void routes[req.url ?? ""]?.(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const calls = [
  { method: "eth_chainId", params: [] },
  { method: "eth_blockNumber", params: [] },
];

describe("postBatch", () => {
  it("answers in call order, from a plain, a compressed and a redirected answer alike", async () => {
    for (const path of ["/plain", "/gzip", "/moved"])
      expect(await postBatch(`${base}${path}`, calls, 5000)).toEqual([
        { ok: true, value: "eth_chainId" },
        { ok: true, value: "eth_blockNumber" },
      ]);
  });

  it("turns transport failures into the errors the pool classifies", async () => {
    await expect(postBatch(`${base}/busy`, calls, 5000)).rejects.toEqual(new RpcHttpError(503));
    // a connection dropped mid-answer, and a port nobody listens on: network failures, transient
    for (const url of [`${base}/drop`, "http://127.0.0.1:9"]) {
      const error = await postBatch(url, calls, 5000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(classifyError(error)).toBe("transient");
    }
    await expect(postBatch(`${base}/slow`, calls, 100)).rejects.toBeInstanceOf(RpcTimeoutError);
  });

  it("ends at once when its signal aborts, with the signal's reason", async () => {
    const stop = new AbortController();
    const pending = postBatch(`${base}/slow`, calls, 10_000, stop.signal);
    setTimeout(() => stop.abort(new Error("pool closed")), 20);
    await expect(pending).rejects.toThrow("pool closed");
  });
});
