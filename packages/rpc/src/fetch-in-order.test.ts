import type { BlockEnvelope } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import type { FetchedBlocks } from "./fetch-blocks.ts";
import { blockAfter, createRangeFetcher } from "./fetch-in-order.ts";

/** A fetch whose answers the test releases one by one, in any order. */
function heldFetches() {
  const pending = new Map<number, () => void>();
  const launched: number[] = [];
  const fetch = (from: number, to: number) =>
    new Promise<FetchedBlocks>((resolve) => {
      launched.push(from);
      const envelopes = Array.from({ length: to - from + 1 }, (_, i) => ({ block: { number: from + i } }));
      pending.set(from, () => resolve({ envelopes: envelopes as unknown as BlockEnvelope[], endpoint: "e" }));
    });
  const release = (from: number) => pending.get(from)!();
  return { fetch, launched, release };
}
const starts = (batches: FetchedBlocks[]) => batches.map((b) => b.envelopes[0]!.block.number);
const settle = () => new Promise((r) => setImmediate(r));

describe("createRangeFetcher", () => {
  it("keeps `capacity` fetches in flight and hands batches out in order, whatever order they arrive in", async () => {
    const f = heldFetches();
    const inFlight: number[] = [];
    const fetcher = createRangeFetcher({
      from: 10,
      to: 24,
      batchSize: 4,
      capacity: () => 2,
      fetch: f.fetch,
      onLaunch: (n) => inFlight.push(n),
    });
    const first = fetcher.take(10);
    expect(f.launched).toEqual([10, 14]);
    f.release(14);
    await settle();
    // 14 arrived early: it waits for its turn, and no longer holds one of the two places in flight
    expect(f.launched).toEqual([10, 14, 18]);
    f.release(10);
    expect(starts(await first)).toEqual([10]);
    await settle();
    expect(f.launched).toEqual([10, 14, 18, 22]);
    const second = await fetcher.take(14);
    expect(starts(second)).toEqual([14]);
    expect(blockAfter(second)).toBe(18);
    f.release(22);
    f.release(18);
    const rest = await fetcher.take(18, 100);
    // the last batch is cut at `to`
    expect(rest.flatMap((b) => b.envelopes.map((e) => e.block.number))).toEqual([18, 19, 20, 21, 22, 23, 24]);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(2);
  });

  it("keeps the node busy behind a slow first batch, holding at most `capacity` batches that arrived early", async () => {
    const f = heldFetches();
    const fetcher = createRangeFetcher({ from: 0, to: 99, batchSize: 10, capacity: () => 2, fetch: f.fetch });
    const taking = fetcher.take(0);
    expect(f.launched).toEqual([0, 10]);
    f.release(10);
    await settle();
    // 10 arrived ahead of 0: 20 takes its place in flight
    expect(f.launched).toEqual([0, 10, 20]);
    f.release(20);
    await settle();
    // two arrived and wait: no more until they are taken, however long 0 takes
    expect(f.launched).toEqual([0, 10, 20]);
    f.release(0);
    expect(starts(await taking)).toEqual([0]);
    await settle();
    expect(f.launched).toEqual([0, 10, 20]);
    expect(starts(await fetcher.take(10, 20))).toEqual([10, 20]);
    await settle();
    expect(f.launched).toEqual([0, 10, 20, 30, 40]);
    fetcher.close();
  });

  it("takes with a batch only the arrived batches right after it, up to maxBlocks blocks", async () => {
    const f = heldFetches();
    const fetcher = createRangeFetcher({ from: 0, to: 99, batchSize: 10, capacity: () => 5, fetch: f.fetch });
    const taking = fetcher.take(0, 30);
    for (const s of [10, 20, 40, 30]) f.release(s);
    await settle();
    f.release(0);
    // 0 then 10 and 20 (30 blocks): 30 has arrived too but is over the budget
    expect(starts(await taking)).toEqual([0, 10, 20]);
    expect(starts(await fetcher.take(30, 1000))).toEqual([30, 40]);
  });

  it("names a start that no batch has", async () => {
    const f = heldFetches();
    const fetcher = createRangeFetcher({ from: 0, to: 9, batchSize: 5, capacity: () => 2, fetch: f.fetch });
    await expect(fetcher.take(3)).rejects.toThrow(/no batch of \[0, 9\] starts at block 3/);
    fetcher.close();
  });
});
