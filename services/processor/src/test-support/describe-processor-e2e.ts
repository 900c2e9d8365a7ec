import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Anvil, erc20At, pairAt, rpc, startAnvil } from "@chainlog/devnet";
import { createSqliteBus } from "@chainlog/embedded";
import type { Bus, ConsumedMessage, Store, Subscription } from "@chainlog/ports";
import { createRpcPool, type RpcCallFrame } from "@chainlog/rpc";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import {
  type BalanceSnapshot,
  type DailyStats,
  decodeProcessed,
  NATIVE_ASSET,
  type TokenTransfer,
  Topics,
  utcDay,
} from "@chainlog/tx-schema";
import { type Address, decodeAbiParameters, type Hash } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessor, type Processor } from "../create-processor.ts";
import { alice, type BuiltChain, bob, buildChain } from "./build-chain.ts";
import { publishRange, publishRollback, waitFor } from "./publish-blocks.ts";

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const logger = createLogger("processor-e2e", "silent");
const lower = (a: string) => a.toLowerCase();
const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
const TRANSFER_SINGLE = "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62";
const TRANSFER_BATCH = "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb";

/**
 * The whole of issue 5 on a real (non-pruned, so traceable) anvil, against one Store implementation: decoded and
 * enriched rows, replay (identical reads) and a real anvil reorg (orphaned rows gone, replacement present).
 */
export function describeProcessorEndToEnd(name: string, open: () => Promise<StoreUnderTest>) {
  describe(`processor end to end on anvil and ${name}`, () => {
    let anvil: Anvil;
    let chain: BuiltChain;
    let dir: string;
    let bus: Bus;
    let store: Store;
    let cleanup: () => Promise<void> = async () => {};
    let processor: Processor;
    let reader: Subscription;
    const announced: ConsumedMessage[] = [];
    let head = 0;
    let me: Address;
    const watched = new Set<string>();

    beforeAll(async () => {
      anvil = await startAnvil({});
      chain = await buildChain(anvil.rpcUrl);
      head = chain.head;
      me = chain.me;
      watched.add(lower(me)).add(alice);
      dir = mkdtempSync(join(tmpdir(), "chainlog-processor-e2e-"));
      bus = createSqliteBus({ path: join(dir, "bus.db") });
      ({ store, cleanup } = await open());
      await store.migrate();
      processor = createProcessor({
        bus,
        store,
        logger,
        metrics: createMetricsRegistry("processor-e2e"),
        sampleIntervalMs: 200,
        statusIntervalMs: 300,
        instance: "e2e-processor",
        enrich: {
          pool: createRpcPool({ endpoints: [{ url: anvil.rpcUrl }], logger }),
          retryForMs: 5_000,
          traces: "on",
          weth: lower(chain.contracts.weth),
          stablecoins: [lower(chain.contracts.stable)],
          watched: (a) => watched.has(a),
        },
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
      await waitFor(() => processor.stats.blocks >= head + 1, 120_000, "every block in the store");
      await waitFor(() => announced.length >= head + 1, 30_000, "processed announcements");
      await waitFor(enrichedAll, 120_000, "every block enriched");
    }, 300_000);

    /** Every stored block carries the enrichment stage's mark. */
    const enrichedAll = async () => {
      const hashes: string[] = [];
      for (let n = 0; n <= head; n++) hashes.push((await store.getBlockByNumber(n))?.hash ?? "");
      return (await store.getEnrichment(hashes)).size === head + 1;
    };

    afterAll(async () => {
      await reader?.close();
      await processor?.close();
      await bus?.close();
      await cleanup();
      await anvil?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    const transfersOf = async (address: string): Promise<TokenTransfer[]> =>
      (await store.getAddressTokenTransfers(address, { limit: 100 })).items;

    /** What the node says an address held at a block: the reference the stored snapshots must equal. */
    const nodeBalance = async (s: BalanceSnapshot): Promise<string> => {
      const blockNumber = BigInt(s.blockNumber);
      if (s.token === NATIVE_ASSET)
        return (await chain.client.getBalance({ address: s.address as Address, blockNumber })).toString();
      return (
        await chain.client.readContract({
          ...erc20At(s.token as Address),
          functionName: "balanceOf",
          args: [s.address as Address],
          blockNumber,
        })
      ).toString();
    };

    /** Daily stats recomputed from the node's blocks and receipts, independently of the decoders. */
    const recomputeDays = async (): Promise<DailyStats[]> => {
      const days = new Map<string, { d: DailyStats; gas: bigint; fees: bigint; who: Set<string> }>();
      const latest = Number(await chain.client.getBlockNumber({ cacheTime: 0 }));
      for (let n = 0; n <= latest; n++) {
        const block = await chain.client.getBlock({ blockNumber: BigInt(n), includeTransactions: true });
        const day = utcDay(Number(block.timestamp));
        let e = days.get(day);
        if (!e) {
          e = {
            d: {
              chainId: 31337,
              day,
              blocks: 0,
              transactions: 0,
              gasUsed: "0",
              fees: "0",
              activeAddresses: 0,
              transfersPerToken: {},
            },
            gas: 0n,
            fees: 0n,
            who: new Set(),
          };
          days.set(day, e);
        }
        e.d.blocks += 1;
        e.d.transactions += block.transactions.length;
        for (const tx of block.transactions) {
          e.who.add(lower(tx.from));
          if (tx.to) e.who.add(lower(tx.to));
          const r = await chain.client.getTransactionReceipt({ hash: tx.hash });
          e.gas += r.gasUsed;
          e.fees += r.gasUsed * r.effectiveGasPrice;
          for (const log of r.logs) {
            const t0 = log.topics[0];
            const token = lower(log.address);
            let rows = 0;
            if (t0 === TRANSFER || t0 === TRANSFER_SINGLE) rows = 1;
            if (t0 === TRANSFER_BATCH)
              rows = decodeAbiParameters([{ type: "uint256[]" }, { type: "uint256[]" }], log.data)[0].length;
            if (rows > 0) e.d.transfersPerToken[token] = (e.d.transfersPerToken[token] ?? 0) + rows;
          }
        }
      }
      return [...days.values()]
        .map(({ d, gas, fees, who }) => ({
          ...d,
          gasUsed: gas.toString(),
          fees: fees.toString(),
          activeAddresses: who.size,
        }))
        .sort((a, b) => a.day.localeCompare(b.day));
    };

    /** Price of `base` in `quote` units from a pair's reserves at a block, decimals applied. */
    const reservesPrice = async (
      pair: Address,
      base: Address,
      quote: Address,
      decimals: [number, number],
      at: bigint,
    ) => {
      const [r0, r1] = await chain.client.readContract({
        ...pairAt(pair),
        functionName: "getReserves",
        blockNumber: at,
      });
      const [rb, rq] = BigInt(base) < BigInt(quote) ? [r0, r1] : [r1, r0];
      return (Number(rq) / Number(rb)) * 10 ** (decimals[0] - decimals[1]);
    };

    it("stores every block with the node's hash", async () => {
      for (let n = 0; n <= head; n++) {
        const node = await chain.client.getBlock({ blockNumber: BigInt(n) });
        expect((await store.getBlockByNumber(n))?.hash).toBe(node.hash);
      }
      // Live readers hear of a block only once it is readable.
      for (const m of announced) {
        const env = decodeProcessed(m.value, m.headers);
        expect(await store.getBlockByHash(env.block.hash)).not.toBeNull();
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
      const { stable, erc721, erc1155 } = chain.contracts;
      expect(pick(chain.txs.erc20)).toEqual([
        {
          standard: "erc20",
          token: lower(stable),
          from: lower(me),
          to: alice,
          value: "123456",
          tokenId: null,
          operator: null,
          batchIndex: 0,
        },
      ]);
      expect(pick(chain.txs.erc721)).toEqual([
        {
          standard: "erc721",
          token: lower(erc721),
          from: lower(me),
          to: alice,
          value: "1",
          tokenId: "42",
          operator: null,
          batchIndex: 0,
        },
      ]);
      expect(pick(chain.txs.single)).toEqual([
        {
          standard: "erc1155",
          token: lower(erc1155),
          from: lower(me),
          to: alice,
          value: "3",
          tokenId: "1",
          operator: lower(me),
          batchIndex: 0,
        },
      ]);
      expect(pick(chain.txs.batch).map((r) => [r.tokenId, r.value, r.batchIndex])).toEqual([
        ["1", "4", 0],
        ["2", "5", 1],
      ]);
    });

    it("stores swaps with the pool's tokens, signed amounts, the transaction's sender and the price", async () => {
      const { tokenA, weth, tokenWeth, stable, wethStable } = chain.contracts;
      const [swap, ...more] = (await store.getAddressSwaps(bob, { limit: 10 })).items;
      expect(more).toEqual([]);
      const aIs0 = BigInt(tokenA) < BigInt(weth);
      const { swapIn, swapOut } = chain.amounts;
      expect(swap).toMatchObject({
        protocol: "uniswap-v2",
        pool: lower(tokenWeth),
        transactionHash: chain.txs.swap,
        transactionFrom: lower(me),
        sender: lower(me),
        recipient: bob,
        token0: lower(aIs0 ? tokenA : weth),
        token1: lower(aIs0 ? weth : tokenA),
        amount0: (aIs0 ? swapIn : -swapOut).toString(),
        amount1: (aIs0 ? -swapOut : swapIn).toString(),
        sqrtPriceX96: null,
      });
      // Both 18 decimals: token0 in token1 units is what was exchanged.
      const expected = aIs0 ? Number(swapOut) / Number(swapIn) : Number(swapIn) / Number(swapOut);
      expect(Math.abs((swap?.price ?? 0) / expected - 1)).toBeLessThan(1e-12);

      // The ETH swap: 18 vs 6 decimals, about $2,500 per WETH.
      const eth = (await store.getAddressSwaps(alice, { limit: 10 })).items.find(
        (s) => s.transactionHash === chain.txs.ethSwap,
      );
      expect(eth?.pool).toBe(lower(wethStable));
      const wethPerStable = BigInt(weth) < BigInt(stable);
      const usdPerEth = wethPerStable ? eth?.price : 1 / (eth?.price ?? 1);
      expect(usdPerEth).toBeGreaterThan(2_400);
      expect(usdPerEth).toBeLessThan(2_500);
      // The swapper sees both swaps as theirs.
      const mine = (await store.getAddressSwaps(me, { limit: 10 })).items.map((s) => s.transactionHash);
      expect(new Set(mine)).toEqual(new Set([chain.txs.swap, chain.txs.ethSwap]));
    });

    it("stores approvals and WETH deposits with their transaction", async () => {
      // the transaction's one event of that kind has these fields
      const onlyEvent = async (hash: string, kind: "approvals" | "wethEvents", fields: object) =>
        expect((await store.getTransaction(hash))?.[kind]).toEqual([expect.objectContaining(fields)]);
      await onlyEvent(chain.txs.approve, "approvals", {
        kind: "erc20",
        token: lower(chain.contracts.stable),
        owner: lower(me),
        spender: bob,
        value: "777",
      });
      await onlyEvent(chain.txs.deposit, "wethEvents", {
        kind: "deposit",
        token: lower(chain.contracts.weth),
        account: lower(me),
        value: (10n ** 18n).toString(),
      });
    });

    it("stores contract creations from receipts and, by tracing, from inside the factory call", async () => {
      expect(await store.getContractCreation(chain.contracts.stable)).toMatchObject({
        address: lower(chain.contracts.stable),
        creator: lower(me),
        source: "receipt",
      });
      for (const child of [chain.created.create, chain.created.create2])
        expect(await store.getContractCreation(child)).toMatchObject({
          address: lower(child),
          creator: lower(chain.contracts.factory),
          transactionHash: chain.txs.factory,
          source: "trace",
        });
      const detail = await store.getTransaction(chain.txs.factory);
      expect(new Set(detail?.contractCreations.map((c) => c.address))).toEqual(
        new Set([lower(chain.created.create), lower(chain.created.create2)]),
      );
    });

    it("stores internal transactions: ETH moved between contracts shows at both ends with the node's values", async () => {
      // the node's own trace of the unwrap, walked here without the flattener
      const top = await rpc<RpcCallFrame>(anvil.rpcUrl, "debug_traceTransaction", [
        chain.txs.unwrap,
        { tracer: "callTracer" },
      ]);
      const nodeFrames: unknown[] = [];
      const walk = (f: RpcCallFrame, path: number[]) => {
        if (path.length > 0)
          nodeFrames.push({
            traceAddress: path,
            callType: f.type,
            from: f.from?.toLowerCase() ?? null,
            to: f.to?.toLowerCase() ?? null,
            value: f.value === undefined ? null : BigInt(f.value).toString(),
            gas: f.gas === undefined ? null : BigInt(f.gas).toString(),
            gasUsed: f.gasUsed === undefined ? null : BigInt(f.gasUsed).toString(),
            input: f.input ?? null,
            output: f.output ?? null,
            error: f.error ?? null,
          });
        for (const [i, c] of (f.calls ?? []).entries()) walk(c, [...path, i]);
      };
      walk(top, []);
      const detail = await store.getTransaction(chain.txs.unwrap);
      expect(
        detail?.internalTransactions.map((f) => ({
          traceAddress: f.traceAddress,
          callType: f.callType,
          from: f.from,
          to: f.to,
          value: f.value,
          gas: f.gas,
          gasUsed: f.gasUsed,
          input: f.input,
          output: f.output,
          error: f.error,
        })),
      ).toEqual(nodeFrames);

      const [weth, router] = [lower(chain.contracts.weth), lower(chain.contracts.router)];
      const amount = chain.amounts.unwrap.toString();
      const paid = detail?.internalTransactions.find((f) => f.from === weth && f.to === router);
      expect(paid).toMatchObject({ callType: "CALL", value: amount, status: 1, depth: 2 });
      const payout = detail?.internalTransactions.find((f) => f.from === router && f.to === bob);
      expect(payout).toMatchObject({ callType: "CALL", value: amount, status: 1, depth: 1 });
      const at = async (a: string) =>
        (await store.getAddressInternalTransactions(a, { limit: 100 })).items.filter(
          (f) => f.transactionHash === chain.txs.unwrap,
        );
      expect(await at(weth)).toContainEqual(paid);
      expect(await at(router)).toContainEqual(paid);
      expect(await at(router)).toContainEqual(payout);
      expect(await at(bob)).toEqual([payout]);
      // the factory's children: CREATE and CREATE2 frames of the factory call
      const factory = await store.getTransaction(chain.txs.factory);
      expect(
        factory?.internalTransactions.map((f) => [f.callType, f.from, f.to]).filter(([t]) => t !== "CALL"),
      ).toEqual([
        ["CREATE", lower(chain.contracts.factory), lower(chain.created.create)],
        ["CREATE2", lower(chain.contracts.factory), lower(chain.created.create2)],
      ]);
    });

    it("stores token metadata once per token, the bytes32-symbol token included", async () => {
      const { bytes32, stable, erc721, weth } = chain.contracts;
      expect(await store.getToken(bytes32)).toMatchObject({
        name: "Bytes Token",
        symbol: "B32",
        decimals: 18,
        standard: "erc20",
      });
      expect(await store.getToken(stable)).toMatchObject({ symbol: "TUSD", decimals: 6, standard: "erc20" });
      expect(await store.getToken(erc721)).toMatchObject({
        symbol: "TNFT",
        decimals: null,
        standard: "erc721",
      });
      expect(await store.getToken(weth)).toMatchObject({ symbol: "WETH", decimals: 18 });
      expect((await store.findTokensBySymbol("tusd", 5)).map((t) => t.address)).toEqual([lower(stable)]);
    });

    it("derives price points: ETH in USD (also as the native asset) and a token in ETH, equal to the reserves", async () => {
      const { weth, stable, tokenA, wethStable, tokenWeth } = chain.contracts;
      const ethSwap = await chain.client.getTransactionReceipt({ hash: chain.txs.ethSwap });
      const ethUsd = await reservesPrice(wethStable, weth, stable, [18, 6], ethSwap.blockNumber);
      const usd = await store.getLatestPrices([weth, NATIVE_ASSET], "USD");
      for (const token of [lower(weth), NATIVE_ASSET]) {
        expect(usd.get(token)?.blockNumber).toBe(Number(ethSwap.blockNumber));
        expect(Math.abs((usd.get(token)?.price ?? 0) / ethUsd - 1)).toBeLessThan(1e-9);
      }
      const tkaEth = await reservesPrice(tokenWeth, tokenA, weth, [18, 18], BigInt(head));
      const series = (await store.getPriceSeries(tokenA, "ETH", { limit: 10 })).items;
      expect(series.length).toBeGreaterThanOrEqual(2); // the pair's seeding, then the swap
      expect(series[0]?.blockNumber).toBe(head);
      expect(Math.abs((series[0]?.price ?? 0) / tkaEth - 1)).toBeLessThan(1e-9);
      const block = await chain.client.getBlock({ blockNumber: BigInt(head) });
      expect(series[0]).toMatchObject({
        pool: lower(tokenWeth),
        blockHash: block.hash,
        timestamp: Number(block.timestamp),
      });
    });

    it("keeps watched addresses' balances equal to the node's at each snapshot's block", async () => {
      for (const address of [lower(me), alice]) {
        const balances = await store.getAddressBalances(address);
        expect(balances.length).toBeGreaterThan(1);
        for (const s of balances) expect(s.balance, `${address} ${s.token}`).toBe(await nodeBalance(s));
      }
      const mine = await store.getAddressBalances(me);
      // The swap paid its input in the block before (a transfer to the pair) and its gas in the last block.
      expect(mine.find((s) => s.token === NATIVE_ASSET)?.blockNumber).toBe(head);
      expect(mine.find((s) => s.token === lower(chain.contracts.tokenA))?.blockNumber).toBe(head - 1);
      expect(
        (await store.getAddressBalances(alice)).find((s) => s.token === lower(chain.contracts.stable))
          ?.balance,
      ).toBe((123_456n + chain.amounts.ethSwapOut).toString()); // the transfer, then the ETH swap's output
      // Not watched: nothing kept.
      expect(await store.getAddressBalances(bob)).toEqual([]);
    });

    it("daily stats equal a recomputation from the node", async () => {
      const expected = await recomputeDays();
      const stored = await store.getDailyStats(expected[0]?.day as string, expected.at(-1)?.day as string);
      expect(stored).toEqual(expected);
    });

    it("reports its status to the store", async () => {
      await waitFor(
        async () =>
          (await store.getServiceStatuses(60_000)).some(
            (s) =>
              s.service === "processor" &&
              s.instance === "e2e-processor" &&
              s.lastBlock === head &&
              s.heights?.enriched === head + 1 &&
              s.enrichment?.traces?.on === true,
          ),
        10_000,
        "the processor's status report",
      );
      const [report] = (await store.getServiceStatuses(60_000)).filter(
        (s) => s.service === "processor" && s.instance === "e2e-processor",
      );
      expect(report?.service === "processor" && report.heights).toEqual({
        lowest: 0,
        raw: head + 1,
        enriched: head + 1,
        highest: head,
      });
      expect(report?.service === "processor" && report.enrichment?.featuresOff).toEqual([]);
      expect(report?.service === "processor" && report.enrichment?.traces).toEqual({
        on: true,
        reason: null,
      });
      const marks = await store.getEnrichment([(await store.getBlockByNumber(head))?.hash ?? ""]);
      expect([...marks.values()][0]).toMatchObject({ traces: "done", pools: "done", tokens: "done" });
    });

    it("replaying the same range leaves every read identical", async () => {
      const snapshot = async () => {
        const out: unknown[] = [];
        for (let n = 0; n <= head; n++) {
          const block = await store.getBlockByNumber(n);
          out.push(block, (await store.getBlockTransactions(block?.hash ?? "", { limit: 100 })).items);
        }
        for (const tx of Object.values(chain.txs)) out.push(await store.getTransaction(tx));
        for (const a of [alice, bob, me, chain.contracts.pair]) {
          out.push(await transfersOf(a), (await store.getAddressSwaps(a, { limit: 100 })).items);
          out.push(await store.getAddressBalances(a));
        }
        const tokens = Object.values(chain.contracts);
        out.push([...(await store.getTokens(tokens)).entries()].sort());
        for (const quote of ["ETH", "USD"] as const)
          for (const t of [...tokens, NATIVE_ASSET])
            out.push((await store.getPriceSeries(t, quote, { limit: 100 })).items);
        out.push(await store.getDailyStats("2000-01-01", "2100-01-01"));
        for (const c of [chain.created.create, chain.created.create2, chain.contracts.stable])
          out.push(await store.getContractCreation(c));
        return out;
      };
      const before = await snapshot();
      const blocksBefore = processor.stats.blocks;
      await publishRange(bus, anvil.rpcUrl, 0, head);
      await waitFor(() => processor.stats.blocks >= blocksBefore + head + 1, 120_000, "the replay");
      await waitFor(enrichedAll, 60_000, "the replay's enrichment");
      expect(await snapshot()).toEqual(before);
    });

    it("a reorg removes every derived row of the orphaned block and keeps its replacement's", async () => {
      const orphan = await chain.client.getBlock({ blockNumber: BigInt(head) });
      const parent = await chain.client.getBlock({ blockNumber: BigInt(head - 1) });
      // anvil replaces the head with a block holding a plain transfer from me to alice.
      await chain.client.request({
        method: "anvil_reorg",
        params: [1, [[{ from: me, to: alice, value: "0x5" }, 0]]],
      } as never);
      const replacement = await chain.client.getBlock({
        blockNumber: BigInt(head),
        includeTransactions: true,
      });
      expect(replacement.hash).not.toBe(orphan.hash);
      await publishRollback(bus, {
        kind: "rollback",
        chainId: 31337,
        block: { number: head, hash: orphan.hash as Hash },
        commonAncestor: { number: head - 1, hash: parent.hash as Hash },
      });
      await publishRange(bus, anvil.rpcUrl, head, head);
      await waitFor(
        async () => (await store.getBlockByNumber(head))?.hash === replacement.hash,
        30_000,
        "the replacement block",
      );
      await waitFor(
        async () => (await store.getBlockByHash(orphan.hash as Hash)) === null,
        30_000,
        "the rollback",
      );
      await waitFor(
        async () => (await store.getEnrichment([replacement.hash as Hash])).size === 1,
        30_000,
        "the replacement's enrichment",
      );
      expect(await store.getEnrichment([orphan.hash as Hash])).toEqual(new Map());
      expect(await store.getTransaction(chain.txs.swap)).toBeNull();
      expect(await store.getAddressSwaps(bob, { limit: 10 })).toEqual({ items: [], nextCursor: null });
      const series = (await store.getPriceSeries(chain.contracts.tokenA, "ETH", { limit: 100 })).items;
      expect(series.some((p) => p.blockHash === orphan.hash)).toBe(false);
      for (const address of [lower(me), alice]) {
        const balances = await store.getAddressBalances(address);
        expect(balances.some((s) => s.blockHash === orphan.hash)).toBe(false);
        for (const s of balances) expect(s.balance).toBe(await nodeBalance(s));
      }
      // The replacement's own rows: its transaction and alice's new ETH balance.
      const tx = replacement.transactions[0];
      expect((await store.getTransaction(tx?.hash as Hash))?.transaction.blockHash).toBe(replacement.hash);
      const aliceEth = (await store.getAddressBalances(alice)).find((s) => s.token === NATIVE_ASSET);
      expect(aliceEth?.blockHash).toBe(replacement.hash);
      expect(await store.getDailyStats("2000-01-01", "2100-01-01")).toEqual(await recomputeDays());
    });
  });
}
