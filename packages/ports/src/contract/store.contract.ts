import { TokenMetadata } from "@chainlog/tx-schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChainWriter, IndexedBlock, ReadModel } from "../store.ts";
import { InvalidCursorError } from "../store.ts";
import { allPages } from "./all-pages.ts";
import { addressOf, buildBlock, hashOf, MAX_UINT256 } from "./fixtures.ts";
import { openForSuite } from "./open-for-suite.ts";
import { describeDerivedRows } from "./store-derived.contract.ts";
import { describeEnrichment } from "./store-enrichment.contract.ts";
import { describeHoldings } from "./store-holdings.contract.ts";
import { describeRegistry } from "./store-registry.contract.ts";
import { describeVaultEvents } from "./store-vault.contract.ts";

/** A writer and a read model on one storage: the same object, or two opened apart (as processor and query-api). */
export interface ChainDataHandle {
  writer: ChainWriter;
  readModel: ReadModel;
  cleanup(): Promise<void>;
}

const WRITES = new Set<PropertyKey>(["writeBlocks", "writeEnrichment", "rollbackBlock", "upsertTokens"]);

/** What the tests call: writes go to the writer, every read to the read model (so a write is seen from outside). */
function chainView(writer: ChainWriter, readModel: ReadModel): ChainWriter & ReadModel {
  return new Proxy(readModel, {
    get(target, key) {
      const from: object = WRITES.has(key) ? writer : target;
      const value: unknown = Reflect.get(from, key);
      return typeof value === "function" ? value.bind(from) : value;
    },
  }) as ChainWriter & ReadModel;
}

const TIMEOUT = 120_000;

/** The rows `address` sends or receives, newest first: by block, then by `index` within the block. */
const involving = <T extends { from: string; to: string | null; blockNumber: number }>(
  rows: T[],
  address: string,
  index: (row: T) => number,
) =>
  rows
    .filter((r) => r.from === address || r.to === address)
    .sort((x, y) => y.blockNumber - x.blockNumber || index(y) - index(x));

/** Everything a reader can see of one block, for before/after comparisons. */
async function snapshot(store: ReadModel, b: IndexedBlock) {
  const txs = await Promise.all(b.transactions.map((t) => store.getTransaction(t.hash)));
  const addresses = [...new Set(b.transactions.flatMap((t) => [t.from, t.to ?? t.from]))];
  return {
    byNumber: await store.getBlockByNumber(b.block.number),
    byHash: await store.getBlockByHash(b.block.hash),
    blockTxs: await allPages((cursor) => store.getBlockTransactions(b.block.hash, { limit: 2, cursor })),
    txs,
    address: await Promise.all(
      addresses.map((a) => allPages((cursor) => store.getAddressTransactions(a, { limit: 3, cursor }))),
    ),
    transfers: await Promise.all(
      addresses.map((a) => allPages((cursor) => store.getAddressTokenTransfers(a, { limit: 3, cursor }))),
    ),
  };
}

/**
 * The behaviour every ChainWriter and ReadModel must show together (a write is only seen through reads):
 * idempotent block writes, clean rollbacks, canonical-by-number reads, newest-first keyset pagination with opaque
 * cursors, exact large integers. One storage serves the whole suite; tests use their own block heights and
 * addresses so they do not see each other.
 */
export function describeChainDataContract(name: string, open: () => Promise<ChainDataHandle>): void {
  describe(`ChainWriter + ReadModel contract: ${name}`, { timeout: TIMEOUT }, () => {
    let handle: ChainDataHandle;
    let store: ChainWriter & ReadModel;
    let nextHeight = 1_000;
    /** A fresh range of heights per test. */
    const heights = (n: number) => {
      const start = nextHeight;
      nextHeight += n + 10;
      return start;
    };

    openForSuite(
      open,
      (opened) => {
        handle = opened;
        store = chainView(handle.writer, handle.readModel);
        return [handle.writer, handle.readModel];
      },
      TIMEOUT,
    );

    it("is healthy, and reads of unknown things are empty, not errors", async () => {
      expect((await handle.writer.health()).ok).toBe(true);
      expect((await handle.readModel.health()).ok).toBe(true);
      expect(await store.getBlockByNumber(999_999_999)).toBeNull();
      expect(await store.getBlockByHash(hashOf("nope"))).toBeNull();
      expect(await store.getTransaction(hashOf("nope"))).toBeNull();
      const empty = await store.getAddressTransactions(addressOf("nobody"), { limit: 10 });
      expect(empty).toEqual({ items: [], nextCursor: null });
      expect(await store.getBlockTransactions(hashOf("nope"), { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it("writes a block with everything derived from it, and reads it back exactly", async () => {
      const n = heights(1);
      const [alice, bob, token] = [addressOf(`alice${n}`), addressOf(`bob${n}`), addressOf(`token${n}`)];
      const b = buildBlock({
        number: n,
        txs: [
          { from: alice, to: bob, type: 0 },
          {
            from: bob,
            to: token,
            type: 2,
            transfers: [{ token, from: bob, to: alice, value: "5000" }],
            logs: 1,
          },
          { from: alice, to: null, type: 1 },
          { from: bob, to: alice, type: 3 },
          { from: alice, to: bob, type: 4, status: 0 },
        ],
      });
      await store.writeBlocks([b]);
      expect(await store.getBlockByNumber(n)).toEqual(b.block);
      expect(await store.getBlockByHash(b.block.hash)).toEqual(b.block);
      expect(await store.getBlockByHash(b.block.hash.toUpperCase().replace("0X", "0x"))).toEqual(b.block);

      const detail = await store.getTransaction(b.transactions[1]!.hash);
      expect(detail).toEqual({
        transaction: b.transactions[1],
        receipt: b.receipts[1],
        logs: b.logs.filter((l) => l.transactionIndex === 1),
        tokenTransfers: b.tokenTransfers,
        swaps: [],
        approvals: [],
        wethEvents: [],
        contractCreations: [],
        internalTransactions: [],
      });
      expect(detail!.logs).toHaveLength(2);
      for (const [i, tx] of b.transactions.entries())
        expect(await store.getTransaction(tx.hash)).toMatchObject({
          transaction: tx,
          receipt: b.receipts[i],
        });

      const blockTxs = await allPages((cursor) =>
        store.getBlockTransactions(b.block.hash, { limit: 2, cursor }),
      );
      expect(blockTxs).toEqual(b.transactions);

      const aliceTxs = await allPages((cursor) => store.getAddressTransactions(alice, { limit: 2, cursor }));
      expect(aliceTxs.map((t) => t.transactionIndex)).toEqual([4, 3, 2, 0]);
      const upper = `0x${alice.slice(2).toUpperCase()}`;
      expect((await store.getAddressTransactions(upper, { limit: 10 })).items).toEqual(aliceTxs);
    });

    it("writeBlocks is idempotent: writing the same blocks again changes no read", async () => {
      const n = heights(3);
      const [a, c, token] = [addressOf(`idem-a${n}`), addressOf(`idem-c${n}`), addressOf(`idem-t${n}`)];
      const blocks = [0, 1, 2].map((k) =>
        buildBlock({
          number: n + k,
          txs: [
            { from: a, to: c, transfers: [{ token, from: a, to: c, value: String(k + 1) }] },
            { from: c, to: a },
          ],
        }),
      );
      await store.writeBlocks(blocks);
      const before = await Promise.all(blocks.map((b) => snapshot(store, b)));
      await store.writeBlocks(blocks);
      await store.writeBlocks([blocks[1]!]);
      const after = await Promise.all(blocks.map((b) => snapshot(store, b)));
      expect(after).toEqual(before);
      expect(before[0]!.address[0]).toHaveLength(6);
      expect(before[0]!.transfers[0]).toHaveLength(3);
    });

    it("rollbackBlock removes every row of that hash, only those, and is idempotent", async () => {
      const n = heights(2);
      const [a, c, token] = [addressOf(`rb-a${n}`), addressOf(`rb-c${n}`), addressOf(`rb-t${n}`)];
      const keep = buildBlock({ number: n, txs: [{ from: a, to: c }] });
      const gone = buildBlock({
        number: n + 1,
        txs: [{ from: a, to: c, transfers: [{ token, from: a, to: c }], logs: 2 }],
      });
      await store.writeBlocks([keep, gone]);
      await store.rollbackBlock({ number: gone.block.number, hash: gone.block.hash });

      expect(await store.getBlockByHash(gone.block.hash)).toBeNull();
      expect(await store.getBlockByNumber(gone.block.number)).toBeNull();
      expect(await store.getTransaction(gone.transactions[0]!.hash)).toBeNull();
      expect(await store.getBlockTransactions(gone.block.hash, { limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
      const aTxs = await store.getAddressTransactions(a, { limit: 10 });
      expect(aTxs.items).toEqual([keep.transactions[0]]);
      expect((await store.getAddressTokenTransfers(c, { limit: 10 })).items).toEqual([]);
      expect((await store.getAddressTokenTransfers(token, { limit: 10 })).items).toEqual([]);

      expect(await store.getBlockByHash(keep.block.hash)).toEqual(keep.block);
      await store.rollbackBlock({ number: gone.block.number, hash: gone.block.hash });
      await store.rollbackBlock({ number: n + 5, hash: hashOf("unknown block") });
      // A rollback naming the wrong hash for a height leaves that height's block alone.
      await store.rollbackBlock({ number: n, hash: hashOf("other fork") });
      expect(await store.getBlockByNumber(n)).toEqual(keep.block);
      expect((await store.getTransaction(keep.transactions[0]!.hash))?.transaction).toEqual(
        keep.transactions[0],
      );
    });

    it("a reorg: write A@N, roll A back, write B@N; by-number gives B and A's rows are gone", async () => {
      const n = heights(2);
      const [a, c] = [addressOf(`reorg-a${n}`), addressOf(`reorg-c${n}`)];
      const token = addressOf(`reorg-t${n}`);
      const parent = buildBlock({ number: n, txs: [{ from: c, to: a }] });
      const [onlyA, onlyA2] = [addressOf(`reorg-only-a${n}`), addressOf(`reorg-only-a2${n}`)];
      const blockA = buildBlock({
        number: n + 1,
        fork: "a",
        parentHash: parent.block.hash,
        txs: [
          { from: a, to: c, transfers: [{ token, from: a, to: c }] },
          { from: onlyA, to: onlyA2, transfers: [{ token, from: onlyA, to: onlyA2 }] },
        ],
      });
      const blockB = buildBlock({
        number: n + 1,
        fork: "b",
        parentHash: parent.block.hash,
        txs: [
          { from: c, to: a },
          { from: a, to: a },
        ],
      });
      await store.writeBlocks([parent, blockA]);
      expect(await store.getLatestBlock()).toEqual(blockA.block);
      await store.rollbackBlock({ number: n + 1, hash: blockA.block.hash });
      await store.writeBlocks([blockB]);

      expect(await store.getBlockByNumber(n + 1)).toEqual(blockB.block);
      expect(await store.getBlockByHash(blockA.block.hash)).toBeNull();
      expect(await store.getTransaction(blockA.transactions[0]!.hash)).toBeNull();
      expect(await store.getTransaction(blockB.transactions[1]!.hash)).not.toBeNull();
      const aTxs = await allPages((cursor) => store.getAddressTransactions(a, { limit: 2, cursor }));
      expect(aTxs.map((t) => t.hash)).toEqual([
        blockB.transactions[1]!.hash,
        blockB.transactions[0]!.hash,
        parent.transactions[0]!.hash,
      ]);
      expect((await store.getAddressTokenTransfers(a, { limit: 10 })).items).toEqual([]);
      for (const gone of [onlyA, onlyA2]) {
        expect((await store.getAddressTransactions(gone, { limit: 10 })).items).toEqual([]);
        expect((await store.getAddressTokenTransfers(gone, { limit: 10 })).items).toEqual([]);
      }
    });

    it("a block written over another at the same height becomes the canonical one", async () => {
      const n = heights(1);
      const blockA = buildBlock({
        number: n,
        fork: "x",
        txs: [{ from: addressOf("x"), to: addressOf("y") }],
      });
      const blockB = buildBlock({
        number: n,
        fork: "y",
        txs: [{ from: addressOf("y"), to: addressOf("x") }],
      });
      await store.writeBlocks([blockA]);
      await store.writeBlocks([blockB]);
      expect(await store.getBlockByNumber(n)).toEqual(blockB.block);
      expect((await store.getTransaction(blockB.transactions[0]!.hash))?.transaction).toEqual(
        blockB.transactions[0],
      );
    });

    it("getLatestBlock follows the highest height, also after the tip is rolled back", async () => {
      const n = heights(2) + 10_000_000;
      const lower = buildBlock({ number: n });
      const tip = buildBlock({ number: n + 1 });
      await store.writeBlocks([lower, tip]);
      expect(await store.getLatestBlock()).toEqual(tip.block);
      await store.rollbackBlock({ number: tip.block.number, hash: tip.block.hash });
      expect(await store.getLatestBlock()).toEqual(lower.block);
      await store.rollbackBlock({ number: lower.block.number, hash: lower.block.hash });
    });

    it("pages address history newest first, never repeating or skipping a row (property)", async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), transfer: fc.boolean() }), {
              maxLength: 6,
            }),
            { minLength: 1, maxLength: 12 },
          ),
          fc.integer({ min: 1, max: 7 }),
          fc.nat(3),
          async (blockTxs, limit, who) => {
            run++;
            const label = (i: number) => addressOf(`prop${run}-${nextHeight}-${i}`);
            const token = addressOf(`prop-token${run}-${nextHeight}`);
            const start = heights(blockTxs.length);
            const blocks = blockTxs.map((txs, k) =>
              buildBlock({
                number: start + k,
                txs: txs.map((t) => ({
                  from: label(t.from),
                  to: label(t.to),
                  transfers: t.transfer ? [{ token, from: label(t.from), to: label(t.to) }] : [],
                })),
              }),
            );
            // Written out of order and in two calls: order of writes must not matter.
            const half = Math.floor(blocks.length / 2);
            await store.writeBlocks(blocks.slice(half).reverse());
            await store.writeBlocks(blocks.slice(0, half));

            const address = label(who);
            const expectedTxs = involving(
              blocks.flatMap((b) => b.transactions),
              address,
              (t) => t.transactionIndex,
            );
            const gotTxs = await allPages((cursor) =>
              store.getAddressTransactions(address, { limit, cursor }),
            );
            expect(gotTxs.map((t) => t.hash)).toEqual(expectedTxs.map((t) => t.hash));

            const expectedTransfers = involving(
              blocks.flatMap((b) => b.tokenTransfers),
              address,
              (t) => t.logIndex,
            );
            const gotTransfers = await allPages((cursor) =>
              store.getAddressTokenTransfers(address, { limit, cursor }),
            );
            expect(gotTransfers).toEqual(expectedTransfers);
          },
        ),
        { numRuns: 25 },
      );
    });

    it("refuses tampered, foreign and garbage cursors with InvalidCursorError", async () => {
      const n = heights(4);
      const [a, c] = [addressOf(`cur-a${n}`), addressOf(`cur-c${n}`)];
      await store.writeBlocks(
        [0, 1, 2, 3].map((k) => buildBlock({ number: n + k, txs: [{ from: a, to: c }] })),
      );
      const page = await store.getAddressTransactions(a, { limit: 2 });
      const cursor = page.nextCursor!;
      expect(typeof cursor).toBe("string");
      const mid = Math.floor(cursor.length / 2);
      const flipped = cursor.slice(0, mid) + (cursor[mid] === "A" ? "B" : "A") + cursor.slice(mid + 1);
      for (const bad of [flipped, `${cursor}x`, "garbage", "", "eyJ9"]) {
        if (bad === "") continue;
        await expect(store.getAddressTransactions(a, { limit: 2, cursor: bad })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      }
      // A cursor made for one query is not valid for another.
      await expect(store.getAddressTransactions(c, { limit: 2, cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      await expect(store.getAddressTokenTransfers(a, { limit: 2, cursor })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
      const next = await store.getAddressTransactions(a, { limit: 2, cursor });
      expect(next.items).toHaveLength(2);
      expect(next.nextCursor).toBeNull();
    });

    it("token transfers by address: ERC-20, ERC-721 and every row of an ERC-1155 batch, newest first", async () => {
      const n = heights(2);
      const [a, c, t20, t721, t1155] = ["a", "c", "t20", "t721", "t1155"].map((x) =>
        addressOf(`tt-${x}${n}`),
      );
      const first = buildBlock({
        number: n,
        txs: [
          { from: a!, to: t20!, transfers: [{ token: t20!, from: a!, to: c!, value: "7" }] },
          {
            from: c!,
            to: t721!,
            transfers: [{ token: t721!, from: c!, to: a!, standard: "erc721", tokenId: "42" }],
          },
        ],
      });
      const second = buildBlock({
        number: n + 1,
        txs: [
          {
            from: c!,
            to: t1155!,
            transfers: [{ token: t1155!, from: c!, to: a!, standard: "erc1155", batch: 3, value: "10" }],
          },
        ],
      });
      await store.writeBlocks([first, second]);
      const got = await allPages((cursor) => store.getAddressTokenTransfers(a!, { limit: 2, cursor }));
      expect(got).toEqual([...second.tokenTransfers].reverse().concat([...first.tokenTransfers].reverse()));
      expect(got.map((t) => t.standard)).toEqual(["erc1155", "erc1155", "erc1155", "erc721", "erc20"]);
      expect((await store.getTransaction(second.transactions[0]!.hash))?.tokenTransfers).toHaveLength(3);
    });

    it("keeps uint256 values, huge token ids and log indexes past 2^32 exact", async () => {
      const n = heights(1);
      const [a, c, token] = [addressOf(`big-a${n}`), addressOf(`big-c${n}`), addressOf(`big-t${n}`)];
      const b = buildBlock({
        number: n,
        firstLogIndex: 2 ** 32 + 5,
        txs: [
          {
            from: a,
            to: c,
            value: MAX_UINT256,
            transfers: [
              { token, from: a, to: c, value: MAX_UINT256 },
              { token, from: a, to: c, standard: "erc721", tokenId: MAX_UINT256 },
            ],
          },
        ],
      });
      await store.writeBlocks([b]);
      const detail = await store.getTransaction(b.transactions[0]!.hash);
      expect(detail?.transaction.value).toBe(MAX_UINT256);
      expect(detail?.logs.map((l) => l.logIndex)).toEqual([2 ** 32 + 5, 2 ** 32 + 6]);
      const transfers = await allPages((cursor) => store.getAddressTokenTransfers(c, { limit: 1, cursor }));
      expect(transfers.map((t) => [t.logIndex, t.value, t.tokenId])).toEqual([
        [2 ** 32 + 6, "1", MAX_UINT256],
        [2 ** 32 + 5, MAX_UINT256, null],
      ]);
      const far = buildBlock({ number: 2 ** 40 + n });
      await store.writeBlocks([far]);
      expect(await store.getBlockByNumber(2 ** 40 + n)).toEqual(far.block);
      await store.rollbackBlock({ number: far.block.number, hash: far.block.hash });
    });

    it("hostile queries are plain data", async () => {
      for (const hostile of ["' OR 1=1 --", "0x' OR '1'='1", "%", "\u0000"]) {
        expect((await store.getAddressTransactions(hostile, { limit: 5 })).items).toEqual([]);
        expect((await store.getAddressTokenTransfers(hostile, { limit: 5 })).items).toEqual([]);
        expect(await store.getBlockByHash(hostile)).toBeNull();
        expect(await store.getTransaction(hostile)).toBeNull();
      }
    });

    it("the writer's own reads (heights, enrichment marks, tokens) see what the read model sees", async () => {
      const n = heights(1);
      const b = buildBlock({
        number: n,
        txs: [{ from: addressOf(`own-a${n}`), to: addressOf(`own-c${n}`) }],
      });
      const token = TokenMetadata.parse({
        address: addressOf(`own-token${n}`),
        standard: "erc20",
        name: "Own",
        symbol: `OWN${n}`,
        decimals: 6,
        firstSeenBlock: n,
      });
      await handle.writer.writeBlocks([b]);
      await handle.writer.upsertTokens([token]);
      const { writer, readModel } = handle;
      const seen = await writer.getHeights(n, 1);
      expect(seen).toEqual([{ number: n, hash: b.block.hash, enriched: false }]);
      expect(await readModel.getHeights(n, 1)).toEqual(seen);
      expect(await writer.getTokens([token.address])).toEqual(new Map([[token.address, token]]));
      expect(await readModel.getTokens([token.address])).toEqual(new Map([[token.address, token]]));
      expect(await writer.getEnrichment([b.block.hash])).toEqual(new Map());
      expect(await readModel.getEnrichment([b.block.hash])).toEqual(new Map());
    });

    it("getStoredBlock gives a stored block's raw records back, and nothing once it is rolled back or replaced", async () => {
      const n = heights(2);
      const [a, c, token] = [addressOf(`raw-a${n}`), addressOf(`raw-c${n}`), addressOf(`raw-t${n}`)];
      const b = buildBlock({
        number: n,
        txs: [
          { from: a, to: c, type: 2, transfers: [{ token, from: a, to: c, value: "7" }], logs: 2 },
          { from: c, to: null, type: 0 },
          { from: c, to: token, type: 2, transfers: [{ token, from: c, to: a }], logs: 1 },
        ],
      });
      const other = buildBlock({ number: n, fork: "other", txs: [{ from: a, to: a }] });
      const next = buildBlock({ number: n + 1, txs: [{ from: c, to: a }] });
      const { writer } = handle;
      expect(await writer.getStoredBlock(b.block.hash)).toBeNull();
      await writer.writeBlocks([b, next]);
      const raw = { block: b.block, transactions: b.transactions, receipts: b.receipts, logs: b.logs };
      expect(await writer.getStoredBlock(b.block.hash)).toEqual(raw);
      expect(await writer.getStoredBlock(b.block.hash.toUpperCase().replace("0X", "0x"))).toEqual(raw);
      await writer.rollbackBlock({ number: n + 1, hash: next.block.hash });
      expect(await writer.getStoredBlock(next.block.hash)).toBeNull();
      await writer.writeBlocks([other]);
      expect(await writer.getStoredBlock(b.block.hash)).toBeNull();
      expect(await writer.getStoredBlock(other.block.hash)).toEqual({
        block: other.block,
        transactions: other.transactions,
        receipts: other.receipts,
        logs: other.logs,
      });
    });

    const context = { store: () => store, heights };
    describeDerivedRows(context);
    describeVaultEvents(context);
    describeRegistry(context);
    describeEnrichment(context);
    describeHoldings(context);
  });
}
