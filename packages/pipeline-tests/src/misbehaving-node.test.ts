import {
  type Anvil,
  buildChain,
  type MisbehavingNode,
  rpc,
  rpcBatch,
  startAnvil,
  startMisbehavingNode,
} from "@chainlog/devnet";
import type { StatusResponse } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, type Pipeline, startPipeline, waitFor } from "./pipeline.ts";

/*
 * Acceptance of issue 13: nodes that refuse what real nodes refuse. Each run builds a chain on a real anvil,
 * puts a proxy that misbehaves in front of it, and runs ingest, processor and query-api on the proxy. Raw rows
 * must all be stored and equal the node's, without waiting on any retry window (PROCESSOR_ENRICH_RETRY_MS is
 * 30 s, and each block would wait it if a refusal were retried), and /v1/status must say what is off.
 */
const BLOCKS = 60;
const TXS = 4;
/** Far below BLOCKS × the 30 s retry window; generous for a loaded 2-core machine. */
const WITHIN_MS = 90_000;

interface NodeBlock {
  hash: string;
  transactions: string[];
}

async function nodeChain(url: string, from: number, to: number): Promise<NodeBlock[]> {
  const calls: [string, unknown[]][] = [];
  for (let n = from; n <= to; n++) calls.push(["eth_getBlockByNumber", [`0x${n.toString(16)}`, false]]);
  return rpcBatch<NodeBlock>(url, calls);
}

/** Every stored block from `from` to the head equals the node's: hash, and its transactions in order. */
async function expectStoredEqual(apiUrl: string, nodeUrl: string, from: number, head: number) {
  const node = await nodeChain(nodeUrl, from, head);
  for (const [i, b] of node.entries()) {
    const n = from + i;
    const stored = await getJson<{ hash: string }>(`${apiUrl}/v1/blocks/${n}`);
    expect(stored.body.hash, `block ${n}`).toBe(b.hash);
    const txs = await getJson<{ items: { hash: string }[] }>(`${apiUrl}/v1/blocks/${n}/txs?limit=100`);
    expect(txs.body.items.map((t) => t.hash)).toEqual(b.transactions);
  }
}

const status = async (apiUrl: string) => (await getJson<StatusResponse>(`${apiUrl}/v1/status`)).body;

describe("a node without eth_getBlockReceipts, historical state or a tracer", () => {
  let anvil: Anvil;
  let node: MisbehavingNode;
  let pipeline: Pipeline;
  let head: number;
  let sender: string;
  let startedAt: number;
  beforeAll(async () => {
    anvil = await startAnvil({ noMining: true });
    const built = await buildChain(anvil.rpcUrl, BLOCKS, TXS);
    sender = built.accounts[0]!.toLowerCase();
    head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
    node = await startMisbehavingNode(anvil.rpcUrl, [
      "no-block-receipts",
      "no-historical-state",
      "no-tracer",
    ]);
    startedAt = Date.now();
    pipeline = await startPipeline({ rpcUrl: node.url, env: { WATCHED_ADDRESSES: sender } });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await node?.close();
    await anvil?.kill();
  });

  it("stores every raw row, equal to the node's, without waiting on a retry window", async () => {
    await waitFor(
      "every block stored and enriched as far as the node allows",
      async () => {
        const s = await status(pipeline.apiUrl);
        return s.heights && s.heights.raw > head && s.heights.enriched > head;
      },
      WITHIN_MS,
    );
    expect(Date.now() - startedAt).toBeLessThan(WITHIN_MS);
    await expectStoredEqual(pipeline.apiUrl, anvil.rpcUrl, 0, head);
    // receipts came one transaction at a time, and equal the node's
    const tx = (await nodeChain(anvil.rpcUrl, head, head))[0]!.transactions[0]!;
    const detail = await getJson<{ receipt: { gasUsed: string }; enrichment: { status: string } }>(
      `${pipeline.apiUrl}/v1/tx/${tx}`,
    );
    const receipt = await rpc<{ gasUsed: string }>(anvil.rpcUrl, "eth_getTransactionReceipt", [tx]);
    expect(detail.body.receipt.gasUsed).toBe(BigInt(receipt.gasUsed).toString());
    expect(detail.body.enrichment.status).toBe("enriched");
    expect(node.calls.get("eth_getTransactionReceipt") ?? 0).toBeGreaterThan(0);
  });

  it("says in /v1/status what is off, and counts the refusals per method", async () => {
    // reports are written every few seconds: the status says it within one or two of them
    const expected = ["ingest:eth_getBlockReceipts", "processor:historical-state", "processor:traces"];
    const offOf = (s: StatusResponse) => s.featuresOff.map((f) => `${f.service}:${f.feature}`).sort();
    let s = await status(pipeline.apiUrl);
    await waitFor(
      `features off ${expected.join(", ")}`,
      async () => {
        s = await status(pipeline.apiUrl);
        return JSON.stringify(offOf(s)) === JSON.stringify(expected);
      },
      20_000,
    ).catch(() => undefined);
    expect(offOf(s), JSON.stringify(s.ingest)).toEqual(expected);
    const methods = new Set(s.permanentErrors.map((p) => p.method));
    expect(methods).toContain("eth_getBlockReceipts");
    expect(methods).toContain("debug_traceBlockByHash");
    // a refused feature is not asked again block after block (until its re-probe): only the batches already in
    // flight when the first refusal came back asked for it (10 blocks a batch, a few in flight)
    expect(node.calls.get("eth_getBlockReceipts")).toBeLessThan(BLOCKS);
    expect(node.calls.get("debug_traceBlockByHash")).toBeLessThanOrEqual(4);
    const mark = (
      await getJson<{ status: string; mark: { traces: string; balances: string } }>(
        // block 1 holds the watched sender's first transfers
        `${pipeline.apiUrl}/v1/blocks/1/enrichment`,
      )
    ).body;
    expect(mark).toMatchObject({ status: "enriched", mark: { traces: "off", balances: "off" } });
  });
});

describe("a node that errors on the parent of the start block", () => {
  let anvil: Anvil;
  let node: MisbehavingNode;
  let pipeline: Pipeline;
  const from = 10;
  let head: number;
  beforeAll(async () => {
    anvil = await startAnvil({ noMining: true });
    await buildChain(anvil.rpcUrl, BLOCKS, 2);
    head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
    node = await startMisbehavingNode(anvil.rpcUrl, ["failing-block"], { failBlock: from - 1 });
    pipeline = await startPipeline({ rpcUrl: node.url, env: { INGEST_FROM: String(from) } });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await node?.close();
    await anvil?.kill();
  });

  it("does not crash-loop: it says why in status, then stores the range, equal to the node's", async () => {
    await waitFor(
      "ingest reporting what holds it up",
      async () =>
        (await status(pipeline.apiUrl)).ingest.some((i) =>
          /parent of start block 10/.test(i.blockedBy ?? ""),
        ),
      WITHIN_MS,
    );
    await waitFor(
      "every block from the start stored",
      async () => (await status(pipeline.apiUrl)).heights?.raw === head + 1,
      WITHIN_MS,
    );
    expect((await status(pipeline.apiUrl)).heights?.lowest).toBe(from);
    await expectStoredEqual(pipeline.apiUrl, anvil.rpcUrl, from, head);
    // no unplanned exit of any service (maxRestarts 0: a crash would have ended it)
    for (const svc of pipeline.services.values()) expect(svc.exits).toEqual([]);
  });
});

describe("a node whose tracer never answers", () => {
  let anvil: Anvil;
  let node: MisbehavingNode;
  let pipeline: Pipeline;
  let head: number;
  beforeAll(async () => {
    anvil = await startAnvil({ noMining: true });
    await buildChain(anvil.rpcUrl, 10, 2);
    head = Number(await rpc<string>(anvil.rpcUrl, "eth_blockNumber"));
    node = await startMisbehavingNode(anvil.rpcUrl, ["hanging-tracer"]);
    // the timeout far beyond the grace period: only closing the pool can end the trace in flight
    pipeline = await startPipeline({ rpcUrl: node.url, env: { PROCESSOR_RPC_TIMEOUT_MS: "120000" } });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await node?.close();
    await anvil?.kill();
  });

  it("stores the raw rows, and SIGTERM stops the processor at once with exit 0 while a trace is in flight", async () => {
    await waitFor(
      "every block's raw rows stored",
      async () => (await status(pipeline.apiUrl)).heights?.raw === head + 1,
      WITHIN_MS,
    );
    await expectStoredEqual(pipeline.apiUrl, anvil.rpcUrl, 0, head);
    await waitFor("a trace request held by the node", async () => node.held() > 0, WITHIN_MS);
    const processor = pipeline.services.get("processor")!;
    const exit = new Promise<number | null>((r) => processor.child.once("exit", (code) => r(code)));
    const started = Date.now();
    processor.child.kill("SIGTERM");
    const code = await exit;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
