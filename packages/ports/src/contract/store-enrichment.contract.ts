import type { InternalTransaction } from "@chainlog/tx-schema";
import { expect, it } from "vitest";
import { type IndexedBlock, InvalidCursorError } from "../store.ts";
import { allPages } from "./all-pages.ts";
import { expectedDetail, normalizeDetail, richActors, richBlock, splitEnrichment } from "./rich-block.ts";
import type { StoreTestContext } from "./store-derived.contract.ts";

const ref = (b: IndexedBlock) => ({ number: b.block.number, hash: b.block.hash });
const upper = (address: string) => `0x${address.slice(2).toUpperCase()}`;

/** An address's internal transactions as the port must page them: newest block, transaction, frame first. */
const internalOf = (blocks: IndexedBlock[], address: string): InternalTransaction[] =>
  blocks
    .flatMap((b) => b.internalTransactions)
    .filter((f) => f.from === address || f.to === address)
    .reverse();

/** The enrichment stage's half of the port: marks, conditional enrichment writes, and height scans. */
export function describeEnrichment(t: StoreTestContext): void {
  it("a raw block is pending; its enrichment makes it whole, exactly as a block written enriched", async () => {
    const store = t.store();
    const b = richBlock(t.heights(1), "enrich-whole");
    const { raw, enrichment } = splitEnrichment(b);
    await store.writeBlocks([raw]);
    expect(await store.getEnrichment([b.block.hash])).toEqual(new Map());
    expect(await store.getHeights(b.block.number, 1)).toEqual([
      { number: b.block.number, hash: b.block.hash, enriched: false },
    ]);
    const x = richActors("enrich-whole");
    expect(await store.getContractCreation(x.made)).toBeNull();
    expect(await store.writeEnrichment([enrichment])).toBe(1);
    for (const [i] of b.transactions.entries())
      expect(normalizeDetail(await store.getTransaction(b.transactions[i]!.hash))).toEqual(
        normalizeDetail(expectedDetail(b, i)),
      );
    expect(
      (await store.getEnrichment([b.block.hash.toUpperCase().replace("0X", "0x")])).get(b.block.hash),
    ).toEqual(enrichment.mark);
    expect(await store.getHeights(b.block.number, 5)).toEqual([
      { number: b.block.number, hash: b.block.hash, enriched: true },
    ]);
    expect((await store.getAddressBalances(x.watched)).length).toBe(2);
    expect((await store.getPriceSeries(x.token, "USD", { limit: 5 })).items).toHaveLength(1);
    // idempotent, and a replayed raw write keeps the enrichment
    expect(await store.writeEnrichment([enrichment])).toBe(1);
    await store.writeBlocks([raw]);
    expect(normalizeDetail(await store.getTransaction(b.transactions[0]!.hash))).toEqual(
      normalizeDetail(expectedDetail(b, 0)),
    );
    expect((await store.getEnrichment([b.block.hash])).size).toBe(1);
    expect(await store.getContractCreation(x.made)).not.toBeNull();
  });

  it("enrichment of a block replaced or rolled back meanwhile is not written; a rollback removes it with the block", async () => {
    const store = t.store();
    const n = t.heights(2);
    const a = richBlock(n, "enrich-orphan", { fork: "a" });
    const b = richBlock(n, "enrich-orphan", { fork: "b", deploys: false });
    const sa = splitEnrichment(a);
    const sb = splitEnrichment(b);
    await store.writeBlocks([sa.raw]);
    await store.writeBlocks([sb.raw]);
    expect(await store.writeEnrichment([sa.enrichment])).toBe(0);
    expect(await store.getEnrichment([a.block.hash])).toEqual(new Map());
    const x = richActors("enrich-orphan");
    expect(await store.getContractCreation(x.made)).toBeNull();
    expect((await store.getPriceSeries(x.token, "USD", { limit: 5 })).items).toEqual([]);
    // the replacement is enriched, then rolled back: nothing of it stays
    expect(await store.writeEnrichment([sb.enrichment])).toBe(1);
    expect((await store.getAddressBalances(x.watched)).length).toBe(2);
    await store.rollbackBlock(ref(b));
    expect(await store.getEnrichment([b.block.hash])).toEqual(new Map());
    expect(await store.getHeights(n, 5)).toEqual([]);
    expect((await store.getPriceSeries(x.token, "USD", { limit: 5 })).items).toEqual([]);
    expect(await store.getTransaction(b.transactions[0]!.hash)).toBeNull();
    // a block never stored gets no enrichment either
    const c = richBlock(n + 1, "enrich-orphan", { fork: "c" });
    expect(await store.writeEnrichment([splitEnrichment(c).enrichment])).toBe(0);
  });

  it("getHeights lists stored heights ascending from a height, gaps left out, with their enrichment", async () => {
    const store = t.store();
    const n = t.heights(6);
    const blocks = [0, 1, 2, 4, 5].map((i) => splitEnrichment(richBlock(n + i, `heights-${i}`)));
    await store.writeBlocks(blocks.map((s) => s.raw));
    await store.writeEnrichment([blocks[0]!.enrichment, blocks[2]!.enrichment]);
    const got = await store.getHeights(n, 4);
    expect(got.map((h) => [h.number - n, h.enriched])).toEqual([
      [0, true],
      [1, false],
      [2, true],
      [4, false],
    ]);
    expect((await store.getHeights(n + 3, 10)).map((h) => h.number - n).slice(0, 2)).toEqual([4, 5]);
  });

  it("internal transactions come with the enrichment: per transaction in trace order, per address (from or to) newest first and paged, gone with their block", async () => {
    const store = t.store();
    const n = t.heights(3);
    const x = richActors("internal");
    const blocks = [0, 1, 2].map((i) => richBlock(n + i, "internal"));
    const split = blocks.map(splitEnrichment);
    await store.writeBlocks(split.map((s) => s.raw));
    const router = blocks[0]!.transactions[0]!.hash;
    expect((await store.getTransaction(router))?.internalTransactions).toEqual([]);
    expect(await store.getAddressInternalTransactions(x.alice, { limit: 5 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await store.writeEnrichment(split.map((s) => s.enrichment))).toBe(3);

    const detail = await store.getTransaction(router);
    expect(detail?.internalTransactions).toEqual(
      blocks[0]!.internalTransactions.filter((f) => f.transactionHash === router),
    );
    expect(detail?.internalTransactions.map((f) => [f.traceAddress.join("."), f.status])).toEqual([
      ["0", 1],
      ["1", 1],
      ["1.0", 1],
      ["2", 1],
      ["3", 0],
      ["3.0", 0],
    ]);
    const everyone = [x.alice, x.router, x.weth, x.pool, x.bob, x.factory, x.made];
    const view = () =>
      Promise.all(
        everyone.map((a) =>
          allPages((cursor) => store.getAddressInternalTransactions(upper(a), { limit: 2, cursor })),
        ),
      );
    const want = (bs: IndexedBlock[]) => everyone.map((a) => internalOf(bs, a));
    const before = await view();
    expect(before).toEqual(want(blocks));
    // alice: paid by the router, and by a call that reverted, in each block; made: created in each block
    expect(before[0]!.length).toBe(6);
    expect(before[6]!.map((f) => [f.blockNumber, f.callType, f.from])).toEqual(
      [2, 1, 0].map((i) => [n + i, "CREATE", x.factory]),
    );
    // one page at a time, with a cursor bound to its query
    const first = await store.getAddressInternalTransactions(x.alice, { limit: 4 });
    expect(first.items).toEqual(before[0]!.slice(0, 4));
    expect(first.nextCursor).not.toBeNull();
    await expect(
      store.getAddressInternalTransactions(x.bob, { limit: 4, cursor: first.nextCursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);

    // idempotent: the same enrichment (or the raw block) again changes nothing
    expect(await store.writeEnrichment(split.map((s) => s.enrichment))).toBe(3);
    await store.writeBlocks(split.map((s) => s.raw));
    expect(await view()).toEqual(before);

    // a rollback takes the block's frames; a replacement block brings none until it is enriched
    await store.rollbackBlock(ref(blocks[2]!));
    const replacement = richBlock(n + 1, "internal", { fork: "b" });
    const other = splitEnrichment(replacement);
    await store.writeBlocks([other.raw]);
    expect(await view()).toEqual(want([blocks[0]!]));
    expect(await store.getTransaction(blocks[1]!.transactions[0]!.hash)).toBeNull();
    expect(await store.writeEnrichment([split[1]!.enrichment])).toBe(0);
    expect(await store.writeEnrichment([other.enrichment])).toBe(1);
    expect(await view()).toEqual(want([blocks[0]!, replacement]));
  });
}
