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
