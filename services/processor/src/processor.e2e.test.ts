import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Anvil,
  batchTransferErc1155,
  createDevnetClient,
  createPair,
  type DevnetClient,
  deployErc20,
  deployErc721,
  deployErc1155,
  deployWeth,
  depositWeth,
  mintErc20,
  mintErc721,
  mintErc1155,
  startAnvil,
  swap,
  transferErc20,
  transferErc721,
  transferErc1155,
} from "@chainlog/devnet";
import { createSqliteBus, createSqliteStore } from "@chainlog/embedded";
import type { Bus, ConsumedMessage, Store, Subscription } from "@chainlog/ports";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { decodeProcessed, type TokenTransfer, Topics } from "@chainlog/tx-schema";
import type { Address, Hash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessor, PARKED_TOPIC, type Processor } from "./create-processor.ts";
import { publishRange, publishRollback, waitFor } from "./test-support/publish-blocks.ts";

const logger = createLogger("processor-test", "silent");

describe("processor on a real anvil and the embedded bus and store", () => {
  let anvil: Anvil;
  let client: DevnetClient;
  let dir: string;
  let bus: Bus;
  let store: Store;
  let processor: Processor;
  let reader: Subscription;
  const announced: ConsumedMessage[] = [];
  const alice = "0x000000000000000000000000000000000000a11c" as Address;
  const bob = "0x0000000000000000000000000000000000000b0b" as Address;
  let me: Address;
  let head = 0;
  const txs: Record<string, Hash> = {};
  let tokens: {
    erc20: Address;
    erc721: Address;
    erc1155: Address;
    weth: Address;
    pair: Address;
    tokenA: Address;
  };

  beforeAll(async () => {
    anvil = await startAnvil({ pruneHistory: true });
    client = createDevnetClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    [me] = (await client.getAddresses()) as [Address];
    const erc20 = await deployErc20(client, { decimals: 6 });
    const erc721 = await deployErc721(client);
    const erc1155 = await deployErc1155(client);
    const weth = await deployWeth(client);
    const tokenA = await deployErc20(client, { symbol: "TKA" });
    const tokenB = await deployErc20(client, { symbol: "TKB" });
    const { pair } = await createPair(client, { tokenA, tokenB });
    tokens = { erc20, erc721, erc1155, weth, pair, tokenA };
    await mintErc20(client, { token: erc20, to: me, amount: 1_000_000n });
    txs.erc20 = (await transferErc20(client, { token: erc20, to: alice, amount: 123_456n })).transactionHash;
    await mintErc721(client, { token: erc721, to: me, tokenId: 42n });
    txs.erc721 = (
      await transferErc721(client, { token: erc721, from: me, to: alice, tokenId: 42n })
    ).transactionHash;
    await mintErc1155(client, { token: erc1155, to: me, ids: [1n, 2n], values: [10n, 20n] });
    txs.single = (
      await transferErc1155(client, { token: erc1155, from: me, to: alice, id: 1n, value: 3n })
    ).transactionHash;
    txs.batch = (
      await batchTransferErc1155(client, {
        token: erc1155,
        from: me,
        to: alice,
        ids: [1n, 2n],
        values: [4n, 5n],
      })
    ).transactionHash;
    txs.weth = (await depositWeth(client, { weth, amount: 10n ** 18n })).transactionHash;
    await mintErc20(client, { token: tokenA, to: me, amount: 10n ** 20n });
    txs.swap = (
      await swap(client, { pair, tokenIn: tokenA, amountIn: 10n ** 18n, to: bob })
    ).receipt.transactionHash;
    head = Number(await client.getBlockNumber({ cacheTime: 0 }));

    dir = mkdtempSync(join(tmpdir(), "chainlog-processor-"));
    bus = createSqliteBus({ path: join(dir, "bus.db") });
    store = await createSqliteStore({ path: join(dir, "store.db") });
    await store.migrate();
    processor = createProcessor({
      bus,
      store,
      logger,
      metrics: createMetricsRegistry("processor-test"),
      sampleIntervalMs: 200,
    });
    await processor.start();
    reader = await bus.consume({
      topic: Topics.processed,
      group: "test-reader",
      onBatch: async (batch) => {
        announced.push(...batch);
      },
    });
    await publishRange(bus, anvil.rpcUrl, 0, head);
    // Blocks spread over partitions and land in any order across them: wait for all, not for the head.
    await waitFor(() => processor.stats.blocks >= head + 1, 60_000, "every block in the store");
    await waitFor(() => announced.length >= head + 1, 30_000, "processed announcements");
  }, 180_000);

  afterAll(async () => {
    await reader?.close();
    await processor?.close();
    await bus?.close();
    await store?.close();
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const transfersOf = async (address: string): Promise<TokenTransfer[]> =>
    (await store.getAddressTokenTransfers(address, { limit: 100 })).items;

  it("stores every block with the node's hash", async () => {
    for (let n = 0; n <= head; n++) {
      const node = await client.getBlock({ blockNumber: BigInt(n) });
      expect((await store.getBlockByNumber(n))?.hash).toBe(node.hash);
    }
  });

  it("decodes ERC-20, ERC-721 and ERC-1155 (single and batch) transfers of deployed contracts", async () => {
    const rows = await transfersOf(alice);
    const pick = (tx: string) =>
      rows
        .filter((r) => r.transactionHash === tx)
        .sort((a, b) => a.batchIndex - b.batchIndex)
        .map(({ standard, token, from, to, value, tokenId, operator, batchIndex }) => ({
          standard,
          token,
          from,
          to,
          value,
          tokenId,
          operator,
          batchIndex,
        }));
    const lower = (a: string) => a.toLowerCase();
    expect(pick(txs.erc20 as string)).toEqual([
      {
        standard: "erc20",
        token: lower(tokens.erc20),
        from: lower(me),
        to: alice,
        value: "123456",
        tokenId: null,
        operator: null,
        batchIndex: 0,
      },
    ]);
    expect(pick(txs.erc721 as string)).toEqual([
      {
        standard: "erc721",
        token: lower(tokens.erc721),
        from: lower(me),
        to: alice,
        value: "1",
        tokenId: "42",
        operator: null,
        batchIndex: 0,
      },
    ]);
    expect(pick(txs.single as string)).toEqual([
      {
        standard: "erc1155",
        token: lower(tokens.erc1155),
        from: lower(me),
        to: alice,
        value: "3",
        tokenId: "1",
        operator: lower(me),
        batchIndex: 0,
      },
    ]);
    expect(pick(txs.batch as string)).toEqual([
      {
        standard: "erc1155",
        token: lower(tokens.erc1155),
        from: lower(me),
        to: alice,
        value: "4",
        tokenId: "1",
        operator: lower(me),
        batchIndex: 0,
      },
      {
        standard: "erc1155",
        token: lower(tokens.erc1155),
        from: lower(me),
        to: alice,
        value: "5",
        tokenId: "2",
        operator: lower(me),
        batchIndex: 1,
      },
    ]);
  });

  it("records the pair swap's token movements, and announces only stored blocks", async () => {
    const detail = await store.getTransaction(txs.swap as string);
    expect(detail?.receipt?.status).toBe(1);
    // The pair pays the output token to bob.
    expect(detail?.tokenTransfers).toEqual([
      expect.objectContaining({ standard: "erc20", from: tokens.pair.toLowerCase(), to: bob }),
    ]);
    const kinds = announced.map((m) => decodeProcessed(m.value, m.headers));
    const swapBlock = kinds.find(
      (k) => k.kind === "processed" && k.transactions.some((t) => t.hash === txs.swap),
    );
    expect(swapBlock).toBeDefined();
    expect(await store.getBlockByHash((swapBlock as { block: { hash: string } }).block.hash)).not.toBeNull();
  });

  it("replaying the same range leaves every read identical", async () => {
    const snapshot = async () => {
      const out: unknown[] = [];
      for (let n = 0; n <= head; n++) {
        const block = await store.getBlockByNumber(n);
        out.push(block, (await store.getBlockTransactions(block?.hash ?? "", { limit: 100 })).items);
      }
      for (const tx of Object.values(txs)) out.push(await store.getTransaction(tx));
      for (const a of [alice, bob, me, tokens.pair]) out.push(await transfersOf(a));
      return out;
    };
    const before = await snapshot();
    const blocksBefore = processor.stats.blocks;
    await publishRange(bus, anvil.rpcUrl, 0, head);
    await waitFor(() => processor.stats.blocks >= blocksBefore + head + 1, 60_000, "the replay");
    expect(await snapshot()).toEqual(before);
  });

  it("parks an undecodable message and keeps going", async () => {
    const parked: ConsumedMessage[] = [];
    const sub = await bus.consume({
      topic: PARKED_TOPIC,
      group: "test-parked",
      onBatch: async (b) => {
        parked.push(...b);
      },
    });
    await bus.publish(Topics.blocks, [
      { key: "31337:999", value: Buffer.from("{not json"), headers: { "chainlog-schema-version": "2" } },
    ]);
    await waitFor(() => parked.length === 1, 20_000, "the parked message");
    await sub.close();
    expect(parked[0]?.headers["chainlog-parked-reason"]).toMatch(/not JSON/);
    expect(processor.stats.invalidMessages).toBe(1);
    await waitFor(async () => (await bus.consumerLag(Topics.blocks, "processor")) === 0, 20_000, "lag 0");
  });

  it("a rollback removes the orphaned block's rows, token transfers included", async () => {
    const swapTx = await store.getTransaction(txs.swap as string);
    const number = swapTx?.transaction.blockNumber as number;
    const hash = swapTx?.transaction.blockHash as string;
    const parent = await store.getBlockByNumber(number - 1);
    expect((await transfersOf(bob)).length).toBe(1);
    await publishRollback(bus, {
      kind: "rollback",
      chainId: 31337,
      block: { number, hash },
      commonAncestor: { number: number - 1, hash: parent?.hash as string },
    });
    await waitFor(async () => (await store.getBlockByHash(hash)) === null, 20_000, "the rollback");
    expect(await store.getTransaction(txs.swap as string)).toBeNull();
    expect(await transfersOf(bob)).toEqual([]);
    // Older blocks are untouched.
    expect((await transfersOf(alice)).length).toBe(5);
    await waitFor(
      () => announced.some((m) => decodeProcessed(m.value, m.headers).kind === "retracted"),
      20_000,
      "the retraction announcement",
    );
  });
});
