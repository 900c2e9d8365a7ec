import type { RequestListener } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { RpcPoolClosedError } from "./errors.ts";
import type { createRpcPool } from "./rpc-pool.ts";
import { poolOn, useTestNodes } from "./test-support/test-nodes.ts";

// A node that takes every request and never answers (a node busy re-executing blocks looks like this).
const neverAnswer: RequestListener = () => {};

// A node that answers every call with a transient error, so the pool waits and retries.
const answerBusy: RequestListener = (req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(503).end("busy"));
};

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
  const serve = useTestNodes();

  it("ends a request in flight at once instead of waiting for the timeout", async () => {
    const node = await serve(neverAnswer);
    const pool = poolOn(node.url, { timeoutMs: 30_000 });
    const { outcome, ms } = await closeDuring(pool, pool.request("eth_blockNumber", []), async () => {
      while (node.requests() === 0) await sleep(5);
    });
    expect(outcome).toBeInstanceOf(RpcPoolClosedError);
    expect(ms).toBeLessThan(1000);
  });

  it("ends retry waits of a batch that keeps failing, and refuses calls after close", async () => {
    const node = await serve(answerBusy);
    const pool = poolOn(node.url, { maxRounds: 50 });
    const batch = pool.batch([{ method: "eth_blockNumber", params: [] }], { retryForMs: 60_000 });
    const { outcome, ms } = await closeDuring(pool, batch, () => sleep(300));
    expect(outcome).toBeInstanceOf(RpcPoolClosedError);
    expect(ms).toBeLessThan(1000);
    await expect(pool.request("eth_chainId", [])).rejects.toBeInstanceOf(RpcPoolClosedError);
  });
});
