import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Anvil,
  approveErc20,
  createDevnetClient,
  createPair,
  deployErc20,
  deployFactory,
  factoryDeploy,
  mintErc20,
  startAnvil,
  swap,
} from "@chainlog/devnet";
import { createRpcPool } from "@chainlog/rpc";
import { createLogger } from "@chainlog/telemetry";
import type { BlockEnvelope, TokenMetadata } from "@chainlog/tx-schema";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexBlock } from "../index-block.ts";
import { readBlockEnvelope } from "../test-support/publish-blocks.ts";
import { type BlockEnricherContext, createBlockEnricher } from "./create-block-enricher.ts";

/** The two Store methods the indexer uses, in memory: enough for these checks (the e2e suites use real stores). */
function tokenStore() {
  const tokens = new Map<string, TokenMetadata>();
  return {
    tokens,
    getTokens: async (a: string[]) =>
      new Map(a.filter((x) => tokens.has(x)).map((x) => [x, tokens.get(x) as TokenMetadata])),
    upsertTokens: async (t: TokenMetadata[]) => {
      for (const m of t) tokens.set(m.address, m);
    },
  };
}

describe("createBlockEnricher on a pruned anvil (no traces, no old state)", () => {
  let anvil: Anvil;
  let swapBlock: BlockEnvelope;
  let factoryBlock: BlockEnvelope;
  let pair: Address;
  let approvalBlock: BlockEnvelope;
  let mintBlock: BlockEnvelope;
  let tokenC: Address;
  beforeAll(async () => {
    anvil = await startAnvil({ pruneHistory: true });
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const [me] = (await client.getAddresses()) as [Address];
    const tokenA = await deployErc20(client, { symbol: "TKA" });
    const tokenB = await deployErc20(client, { symbol: "TKB", decimals: 6 });
    ({ pair } = await createPair(client, { tokenA, tokenB }));
    await mintErc20(client, { token: tokenA, to: me, amount: 10n ** 20n });
    const { receipt } = await swap(client, { pair, tokenIn: tokenA, amountIn: 10n ** 18n });
    swapBlock = await readBlockEnvelope(anvil.rpcUrl, Number(receipt.blockNumber), 31337);
    const factory = await deployFactory(client);
    const made = await factoryDeploy(client, { factory, salt: `0x${"22".repeat(32)}` });
    factoryBlock = await readBlockEnvelope(anvil.rpcUrl, Number(made.receipt.blockNumber), 31337);
    tokenC = await deployErc20(client, { symbol: "TKC" });
    const approved = await approveErc20(client, { token: tokenC, spender: pair, amount: 5n });
    approvalBlock = await readBlockEnvelope(anvil.rpcUrl, Number(approved.blockNumber), 31337);
    const minted = await mintErc20(client, { token: tokenC, to: me, amount: 7n });
    mintBlock = await readBlockEnvelope(anvil.rpcUrl, Number(minted.blockNumber), 31337);
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  const logger = createLogger("indexer-test", "silent");

  const poolOf = (url: string) =>
    createRpcPool({ endpoints: [{ url }], logger, timeoutMs: 1_000, maxRounds: 2 });

  it("an unreachable node costs the enrichment parts, never the blocks: each part marked failed", async () => {
    const enricher = createBlockEnricher({
      pool: poolOf("http://127.0.0.1:1"),
      store: tokenStore(),
      logger,
      traces: "on",
      watched: () => true,
      retryForMs: 300,
    });
    const started = Date.now();
    const [out] = await enricher.enrich([indexBlock(swapBlock)]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(out?.swaps).toHaveLength(1);
    expect(out?.swaps[0]).toMatchObject({
      token0: null,
      token1: null,
      price: null,
      pool: pair.toLowerCase(),
    });
    expect(out?.balances).toEqual([]);
    expect(out?.pricePoints).toEqual([]);
    expect(out?.mark).toMatchObject({
      pools: "failed",
      tokens: "failed",
      traces: "failed",
      balances: "failed",
    });
  });

  it("a node that cannot trace or serve old state turns those parts off, and the rest is enriched", async () => {
    const store = tokenStore();
    const pool = poolOf(anvil.rpcUrl);
    const enricher = createBlockEnricher({ pool, store, logger, traces: "auto", watched: () => true });
    const [swapOut, factoryOut] = await enricher.enrich([indexBlock(swapBlock), indexBlock(factoryBlock)]);
    expect(swapOut?.mark).toMatchObject({ traces: "off", pools: "done", tokens: "done" });
    expect(swapOut?.swaps[0]?.token0).not.toBeNull();
    expect(swapOut?.swaps[0]?.price).toBeGreaterThan(0);
    // receipts only: the factory's children need traces
    expect(factoryOut?.contractCreations).toEqual([]);
    expect([...store.tokens.values()].map((t) => t.symbol).sort()).toEqual(["TKA", "TKB"]);
    expect(pool.featuresOff().map((f) => f.feature)).toContain("traces");
    // recent state is kept even by a pruned node
    expect(swapOut?.mark.balances).toBe("done");
    // while off for the node, blocks are marked off without asking it
    const [again] = await enricher.enrich([indexBlock(factoryBlock)]);
    expect(again?.mark.traces).toBe("off");
    expect(pool.featuresOff()[0]?.reason).toBeTruthy();
  });

  it("a token first met through an approval gets its standard from its first transfer, keeping its first block", async () => {
    const store = tokenStore();
    const enricher = createBlockEnricher({ pool: poolOf(anvil.rpcUrl), store, logger, traces: "off" });
    const address = tokenC.toLowerCase();
    await enricher.enrich([indexBlock(approvalBlock)]);
    expect(store.tokens.get(address)).toMatchObject({ symbol: "TKC", standard: null });
    await enricher.enrich([indexBlock(mintBlock)]);
    expect(store.tokens.get(address)).toMatchObject({
      symbol: "TKC",
      standard: "erc20",
      firstSeenBlock: approvalBlock.block.number,
    });
  });
});

/** A real node behind a proxy that holds debug_traceBlockByHash answers back (a node busy re-executing blocks). */
async function slowTracingProxy(target: string) {
  const state = { traceDelayMs: 0, traceRequests: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (body.includes("debug_traceBlockByHash")) {
      state.traceRequests += 1;
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await sleep(state.traceDelayMs);
    }
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await upstream.text();
    if (body.includes("debug_traceBlockByHash")) state.inFlight -= 1;
    if (!res.destroyed) res.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("createBlockEnricher on a node that is slow to trace", () => {
  let anvil: Anvil;
  let proxy: Awaited<ReturnType<typeof slowTracingProxy>>;
  let factoryBlock: BlockEnvelope;
  let children: string[];
  beforeAll(async () => {
    anvil = await startAnvil();
    const client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const factory = await deployFactory(client);
    const made = await factoryDeploy(client, { factory, salt: `0x${"33".repeat(32)}` });
    children = [made.created, made.created2].map((a) => a.toLowerCase());
    factoryBlock = await readBlockEnvelope(anvil.rpcUrl, Number(made.receipt.blockNumber), 31337);
    proxy = await slowTracingProxy(anvil.rpcUrl);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await anvil?.stop();
  });
  const enricherBehindProxy = (o: {
    poolTimeoutMs: number;
    traceTimeoutMs: number;
    maxRounds?: number;
    paced?: Pick<
      BlockEnricherContext,
      "traceConcurrency" | "catchUpTraceConcurrency" | "catchingUp" | "signal"
    >;
  }) =>
    createBlockEnricher({
      ...o.paced,
      pool: createRpcPool({
        endpoints: [{ url: proxy.url }],
        logger: createLogger("t", "silent"),
        timeoutMs: o.poolTimeoutMs,
        maxRounds: o.maxRounds,
      }),
      store: tokenStore(),
      logger: createLogger("enricher-test", "silent"),
      retryForMs: 0,
      traceTimeoutMs: o.traceTimeoutMs,
    });
  /** An enricher whose traces are paced by whether ingest catches up, which `state.catchingUp` sets (true first). */
  const pacedEnricher = (
    paced: Pick<BlockEnricherContext, "traceConcurrency" | "catchUpTraceConcurrency">,
  ) => {
    const state = { catchingUp: true };
    const enricher = enricherBehindProxy({
      poolTimeoutMs: 5_000,
      traceTimeoutMs: 20_000,
      paced: { ...paced, catchingUp: () => state.catchingUp },
    });
    return { enricher, state };
  };

  it("a slow tracer costs the traces of the blocks it times out on, nothing else, and traces again once fast", async () => {
    // one attempt: a trace has its own timeout (PROCESSOR_TRACE_TIMEOUT_MS), not the pool's
    const enricher = enricherBehindProxy({ poolTimeoutMs: 500, traceTimeoutMs: 500, maxRounds: 1 });
    proxy.state.traceDelayMs = 4_000;
    const t0 = Date.now();
    const [slow] = await enricher.enrich([indexBlock(factoryBlock)]);
    // one attempt of 500 ms: a slow tracer does not hold the stage for a retry window
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(slow?.mark.traces).toBe("failed");
    expect(slow?.contractCreations).toEqual([]);
    proxy.state.traceDelayMs = 0;
    // the timed-out endpoint is probed back into rotation first
    await sleep(1_200);
    const [fast] = await enricher.enrich([indexBlock(factoryBlock)]);
    expect(fast?.mark.traces).toBe("done");
    expect(fast?.contractCreations.map((c) => c.address).sort()).toEqual([...children].sort());
    // the same frames as internal transactions; the transaction's own call is not one
    expect(fast?.internalTransactions.map((f) => [f.depth, f.callType, f.to])).toEqual([
      [1, "CREATE", children[0]],
      [1, "CREATE2", children[1]],
    ]);
  }, 60_000);

  it("a trace slower than ordinary calls but within its own timeout is asked once and stored", async () => {
    const enricher = enricherBehindProxy({ poolTimeoutMs: 300, traceTimeoutMs: 20_000 });
    proxy.state.traceDelayMs = 1_500;
    const before = proxy.state.traceRequests;
    const [traced] = await enricher.enrich([indexBlock(factoryBlock)]);
    proxy.state.traceDelayMs = 0;
    expect(traced?.mark.traces).toBe("done");
    expect(traced?.contractCreations.map((c) => c.address).sort()).toEqual([...children].sort());
    // not abandoned after the pool's 300 ms and asked again: the node re-executed the block once
    expect(proxy.state.traceRequests - before).toBe(1);
  }, 60_000);
  it("while ingest catches up no trace is asked, and every one is once ingest is at the head", async () => {
    const { enricher, state } = pacedEnricher({ traceConcurrency: 2 });
    const before = proxy.state.traceRequests;
    const blocks = [indexBlock(factoryBlock), indexBlock(factoryBlock)];
    let settled = false;
    const enriched = enricher.enrich(blocks).finally(() => {
      settled = true;
    });
    await sleep(1_500);
    expect(proxy.state.traceRequests - before).toBe(0);
    expect(settled).toBe(false);
    state.catchingUp = false;
    const out = await enriched;
    expect(proxy.state.traceRequests - before).toBe(2);
    for (const b of out) {
      expect(b.mark.traces).toBe("done");
      expect(b.contractCreations.map((c) => c.address).sort()).toEqual([...children].sort());
    }
  }, 60_000);

  it("catching up with one trace in flight asks one at a time, and at full concurrency at the head", async () => {
    const { enricher, state } = pacedEnricher({ traceConcurrency: 3, catchUpTraceConcurrency: 1 });
    const blocks = Array.from({ length: 3 }, () => indexBlock(factoryBlock));
    proxy.state.traceDelayMs = 300;
    proxy.state.maxInFlight = 0;
    const behind = await enricher.enrich(blocks);
    expect(proxy.state.maxInFlight).toBe(1);
    state.catchingUp = false;
    proxy.state.maxInFlight = 0;
    const atHead = await enricher.enrich(blocks);
    proxy.state.traceDelayMs = 0;
    expect(proxy.state.maxInFlight).toBe(3);
    for (const b of [...behind, ...atHead]) expect(b.mark.traces).toBe("done");
  }, 60_000);

  it("a shutdown ends the wait of traces held back while catching up", async () => {
    const closing = new AbortController();
    const enricher = enricherBehindProxy({
      poolTimeoutMs: 5_000,
      traceTimeoutMs: 20_000,
      paced: { catchingUp: () => true, signal: closing.signal },
    });
    const enriched = enricher.enrich([indexBlock(factoryBlock)]);
    setTimeout(() => closing.abort(), 300);
    await expect(enriched).rejects.toThrow(/abort/i);
  }, 60_000);
});
