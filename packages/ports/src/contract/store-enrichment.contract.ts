import { expect, it } from "vitest";
import type { IndexedBlock } from "../store.ts";
import { expectedDetail, normalizeDetail, richActors, richBlock, splitEnrichment } from "./rich-block.ts";
import type { StoreTestContext } from "./store-derived.contract.ts";

const TIMEOUT = 120_000;
const ref = (b: IndexedBlock) => ({ number: b.block.number, hash: b.block.hash });

/** The enrichment stage's half of the port: marks, conditional enrichment writes, and height scans. */
export function describeEnrichment(t: StoreTestContext): void {
  it(
    "a raw block is pending; its enrichment makes it whole, exactly as a block written enriched",
    async () => {
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
    },
    TIMEOUT,
  );

  it(
    "enrichment of a block replaced or rolled back meanwhile is not written; a rollback removes it with the block",
    async () => {
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
    },
    TIMEOUT,
  );

  it(
    "getHeights lists stored heights ascending from a height, gaps left out, with their enrichment",
    async () => {
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
    },
    TIMEOUT,
  );
}
