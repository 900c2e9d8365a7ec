import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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
import type { IndexedBlock } from "@chainlog/ports";
import { createLogger } from "@chainlog/telemetry";
import type { BlockEnvelope, TokenMetadata } from "@chainlog/tx-schema";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRpcClient } from "../rpc/rpc-client.ts";
import { readBlockEnvelope } from "../test-support/publish-blocks.ts";
import { createBlockIndexer, type EnrichmentStep } from "./create-block-indexer.ts";

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

describe("createBlockIndexer on a pruned anvil (no traces, no old state)", () => {
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

  it("an unreachable node costs the enrichment, never the block: rows written with nulls, failures counted", async () => {
    const failures: EnrichmentStep[] = [];
    const indexer = createBlockIndexer({
      rpc: createRpcClient({ urls: ["http://127.0.0.1:1"], retryForMs: 300 }),
      store: tokenStore(),
      logger,
      traces: "on",
      watched: () => true,
      onEnrichmentFailure: (step) => failures.push(step),
    });
    const [out] = await indexer.index([swapBlock]);
    const indexed = out?.indexed as IndexedBlock;
    expect(indexed.transactions).toHaveLength(1);
    expect(indexed.swaps).toHaveLength(1);
    expect(indexed.swaps[0]).toMatchObject({
      token0: null,
      token1: null,
      price: null,
      pool: pair.toLowerCase(),
    });
    expect(indexed.balances).toEqual([]);
    expect(indexed.pricePoints).toEqual([]);
    expect(new Set(failures)).toEqual(new Set(["pools", "tokens", "traces", "balances"]));
  });

  it("auto mode turns traces off when the node cannot trace, and still enriches the rest", async () => {
    const failures: EnrichmentStep[] = [];
    const store = tokenStore();
    const indexer = createBlockIndexer({
      rpc: createRpcClient({ urls: [anvil.rpcUrl], retryForMs: 2_000 }),
      store,
      logger,
      traces: "auto",
      onEnrichmentFailure: (step) => failures.push(step),
    });
    expect(indexer.tracing()).toBe(true);
    const [swapOut, factoryOut] = await indexer.index([swapBlock, factoryBlock]);
    expect(indexer.tracing()).toBe(false);
    expect(failures).toEqual([]);
    expect(swapOut?.indexed.swaps[0]?.token0).not.toBeNull();
    expect(swapOut?.indexed.swaps[0]?.price).toBeGreaterThan(0);
    // Receipts only: the factory's children need traces.
    expect(factoryOut?.indexed.contractCreations).toEqual([]);
    expect([...store.tokens.values()].map((t) => t.symbol).sort()).toEqual(["TKA", "TKB"]);
  });

  it("a token first met through an approval gets its standard from its first transfer, keeping its first block", async () => {
    const store = tokenStore();
    const indexer = createBlockIndexer({
      rpc: createRpcClient({ urls: [anvil.rpcUrl], retryForMs: 2_000 }),
      store,
      logger,
      traces: "off",
    });
    const address = tokenC.toLowerCase();
    await indexer.index([approvalBlock]);
    expect(store.tokens.get(address)).toMatchObject({ symbol: "TKC", standard: null });
    await indexer.index([mintBlock]);
    expect(store.tokens.get(address)).toMatchObject({
      symbol: "TKC",
      standard: "erc20",
      firstSeenBlock: approvalBlock.block.number,
    });
  });
});

/** A real node behind a proxy that holds debug_traceBlockByHash answers back (a node busy re-executing blocks). */
async function slowTracingProxy(target: string) {
  const state = { traceDelayMs: 0, traceRequests: 0 };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (body.includes("debug_traceBlockByHash")) {
      state.traceRequests += 1;
      await new Promise((r) => setTimeout(r, state.traceDelayMs));
    }
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await upstream.text();
    if (!res.destroyed) res.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("createBlockIndexer on a node that is slow to trace", () => {
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

  it("pauses tracing instead of holding blocks back, and resumes after the pause", async () => {
    const failures: [EnrichmentStep, number][] = [];
    const indexer = createBlockIndexer({
      rpc: createRpcClient({ urls: [proxy.url], timeoutMs: 500, retryForMs: 5_000 }),
      store: tokenStore(),
      logger: createLogger("indexer-test", "silent"),
      tracePauseMs: 1_500,
      onEnrichmentFailure: (step, blocks) => failures.push([step, blocks]),
    });
    const traced = (out: { indexed: IndexedBlock }[]) =>
      out[0]?.indexed.contractCreations.filter((c) => c.source === "trace").map((c) => c.address) ?? [];

    proxy.state.traceDelayMs = 4_000;
    const t0 = Date.now();
    const slow = await indexer.index([factoryBlock]);
    // One attempt of 500 ms, not the 5 s retry budget: a slow tracer does not hold the block.
    expect(Date.now() - t0).toBeLessThan(2_500);
    expect(traced(slow)).toEqual([]);
    expect(proxy.state.traceRequests).toBe(1);
    // Paused: the next batch does not ask the node at all, and is counted as written without traces.
    await indexer.index([factoryBlock]);
    expect(proxy.state.traceRequests).toBe(1);
    expect(failures).toEqual([
      ["traces", 1],
      ["traces", 1],
    ]);
    expect(indexer.tracing()).toBe(true);

    proxy.state.traceDelayMs = 0;
    await new Promise((r) => setTimeout(r, 1_600));
    const resumed = await indexer.index([factoryBlock]);
    expect(proxy.state.traceRequests).toBe(2);
    expect(traced(resumed).sort()).toEqual([...children].sort());
  }, 60_000);
});
