import { NATIVE_ASSET, utcDay } from "@chainlog/tx-schema";
import { expect, it } from "vitest";
import type { ChainWriter, IndexedBlock, ReadModel } from "../store.ts";
import { InvalidCursorError } from "../store.ts";
import { allPages, expectPagesPerParty } from "./all-pages.ts";
import { addressOf, buildBlock, createdAddressOf, hashOf, uniqueDayStart, uniqueName } from "./fixtures.ts";
import {
  derivedView,
  expectedDaily,
  expectedDetail,
  normalizeDetail,
  richActors,
  richBlock,
} from "./rich-block.ts";

export interface StoreTestContext {
  /** Writes go to the writer, reads to the read model. */
  store(): ChainWriter & ReadModel;
  /** A fresh range of heights (n of them) no other test of the suite uses. */
  heights(n: number): number;
}

/** A test's store, its own heights (count of them from n) and addresses labelled by suite run, tag and n. */
export function testScope(ctx: StoreTestContext, run: string, tag: string, count: number) {
  const n = ctx.heights(count);
  return { store: ctx.store(), n, at: (label: string) => addressOf(`${run}:${tag}${n}:${label}`) };
}

export const upper = (address: string) => `0x${address.slice(2).toUpperCase()}`;
export const ref = (b: IndexedBlock) => ({ number: b.block.number, hash: b.block.hash });
export const newestFirst = <T extends { blockNumber: number; logIndex: number; batchIndex?: number }>(
  rows: T[],
) =>
  [...rows].sort(
    (x, y) =>
      y.blockNumber - x.blockNumber || y.logIndex - x.logIndex || (y.batchIndex ?? 0) - (x.batchIndex ?? 0),
  );

/**
 * Derived rows (swaps, approvals, WETH events, creations, prices, balances, daily stats): written with their block,
 * gone with its rollback, read newest first with keyset pages. Labels come from the test's heights plus a random
 * run id, so suites sharing one database never see each other's rows.
 */
export function describeDerivedRows(ctx: StoreTestContext): void {
  const run = uniqueName("d");

  it("derived reads of unknown things are empty, not errors, whatever the input", async () => {
    const store = ctx.store();
    for (const x of [addressOf(`${run}:none`), "' OR 1=1 --", "%", "\u0000", "0xZZ"]) {
      expect(await store.getTokenTransfers(x, { limit: 5 })).toEqual({ items: [], nextCursor: null });
      expect(await store.getAddressSwaps(x, { limit: 5 })).toEqual({ items: [], nextCursor: null });
      expect(await store.getContractCreation(x)).toBeNull();
      expect(await store.getToken(x)).toBeNull();
      expect(await store.findTokensBySymbol(x, 5)).toEqual([]);
      expect(await store.getPriceSeries(x, "ETH", { limit: 5 })).toEqual({ items: [], nextCursor: null });
      expect((await store.getLatestPrices([x], "USD")).size).toBe(0);
      expect(await store.getAddressBalances(x)).toEqual([]);
    }
    expect((await store.getTokens([])).size).toBe(0);
    expect((await store.getLatestPrices([], "ETH")).size).toBe(0);
    const day = utcDay(uniqueDayStart());
    expect(await store.getDailyStats(day, day)).toEqual([]);
  });

  it("getTransaction returns the transaction's swaps, approvals, WETH events and contract creations", async () => {
    const store = ctx.store();
    const n = ctx.heights(1);
    const b = richBlock(n, `${run}:detail${n}`);
    await store.writeBlocks([b]);
    for (const [i, tx] of b.transactions.entries())
      expect(normalizeDetail(await store.getTransaction(tx.hash))).toEqual(expectedDetail(b, i));
    // The fixture really has every kind, in the transactions this test expects.
    expect([b.swaps.length, b.approvals.length, b.wethEvents.length, b.contractCreations.length]).toEqual([
      1, 3, 1, 2,
    ]);
    expect(expectedDetail(b, 1).approvals.map((a) => a.kind)).toEqual(["erc20", "operator", "erc721"]);
  });

  it("getTransactionJson is getTransaction's answer as JSON.stringify text, field by field", async () => {
    const store = ctx.store();
    const n = ctx.heights(1);
    const b = richBlock(n, `${run}:json${n}`);
    await store.writeBlocks([b]);
    expect(await store.getTransactionJson(hashOf("json-nope"))).toBeNull();
    for (const [i, tx] of b.transactions.entries()) {
      const detail = await store.getTransaction(tx.hash.toUpperCase().replace("0X", "0x"));
      const text = await store.getTransactionJson(tx.hash.toUpperCase().replace("0X", "0x"));
      expect(text?.blockHash).toBe(b.block.hash);
      expect(Object.keys(text?.json ?? {})).toEqual(Object.keys(expectedDetail(b, i)));
      for (const [key, value] of Object.entries(detail ?? {}))
        expect(text?.json[key as keyof typeof text.json], key).toBe(JSON.stringify(value));
      const parsed = Object.fromEntries(Object.entries(text?.json ?? {}).map(([k, v]) => [k, JSON.parse(v)]));
      expect(normalizeDetail(parsed as never)).toEqual(expectedDetail(b, i));
    }
  });

  it("getContractCreation finds top-level and trace-seen deployments, in any case; null for others", async () => {
    const store = ctx.store();
    const n = ctx.heights(1);
    const x = richActors(`${run}:creation${n}`);
    const b = richBlock(n, `${run}:creation${n}`);
    await store.writeBlocks([b]);
    const deployed = createdAddressOf(b.transactions[3]!.hash);
    expect(await store.getContractCreation(deployed)).toEqual({
      address: deployed,
      creator: x.bob,
      blockNumber: n,
      blockHash: b.block.hash,
      transactionHash: b.transactions[3]!.hash,
      transactionIndex: 3,
      source: "receipt",
    });
    expect(await store.getContractCreation(upper(x.made))).toEqual({
      address: x.made,
      creator: x.factory,
      blockNumber: n,
      blockHash: b.block.hash,
      transactionHash: b.transactions[2]!.hash,
      transactionIndex: 2,
      source: "trace",
    });
    expect(await store.getContractCreation(x.alice)).toBeNull();
    expect(await store.getContractCreation(x.factory)).toBeNull();
  });

  it("writeBlocks is idempotent for every derived row kind", async () => {
    const store = ctx.store();
    const n = ctx.heights(3);
    const day = uniqueDayStart();
    const label = `${run}:idem${n}`;
    const blocks = [0, 1, 2].map((k) =>
      richBlock(n + k, label, {
        timestamp: day + 100 + k * 12,
        balance: String(1000 - k),
        deploys: k === 0,
      }),
    );
    await store.writeBlocks(blocks);
    const before = await derivedView(store, blocks);
    await store.writeBlocks(blocks);
    await store.writeBlocks([blocks[1]!]);
    await store.writeBlocks([blocks[2]!, blocks[0]!]);
    const after = await derivedView(store, blocks);
    expect(after).toEqual(before);

    // And what was read is the blocks' rows exactly once each.
    const x = richActors(label);
    const all = <T>(pick: (b: IndexedBlock) => T[]) => blocks.flatMap(pick);
    expect(before.txs).toEqual(blocks.flatMap((b) => b.transactions.map((_, i) => expectedDetail(b, i))));
    expect(await allPages((c) => store.getTokenTransfers(x.token, { limit: 2, cursor: c }))).toEqual(
      newestFirst(all((b) => b.tokenTransfers.filter((t) => t.token === x.token))),
    );
    expect(await allPages((c) => store.getAddressSwaps(x.alice, { limit: 2, cursor: c }))).toEqual(
      newestFirst(all((b) => b.swaps)),
    );
    expect(await allPages((c) => store.getPriceSeries(x.token, "USD", { limit: 2, cursor: c }))).toEqual(
      newestFirst(all((b) => b.pricePoints.filter((p) => p.quote === "USD"))),
    );
    expect(await store.getAddressBalances(x.watched)).toEqual(
      [...blocks[2]!.balances].sort((p, q) => (p.token < q.token ? -1 : 1)),
    );
    expect(await store.getDailyStats(utcDay(day), utcDay(day))).toEqual(expectedDaily(blocks));
    expect(before.daily[0]![0]).toMatchObject({ blocks: 3, transactions: 12 });
  });

  it("rollbackBlock removes every derived row of that block only; the replacement block's rows stay", async () => {
    const store = ctx.store();
    const n = ctx.heights(2);
    const day = uniqueDayStart();
    const label = `${run}:rb${n}`;
    const x = richActors(label);
    const keep = richBlock(n, label, { timestamp: day + 10, balance: "100", deploys: false });
    const parentHash = keep.block.hash;
    const a = richBlock(n + 1, label, { fork: "a", parentHash, timestamp: day + 22, balance: "200" });
    const b = richBlock(n + 1, label, { fork: "b", parentHash, timestamp: day + 23, balance: "300" });
    await store.writeBlocks([keep, a]);
    expect(await store.getAddressBalances(x.watched)).toEqual(sortByToken(a.balances));
    await store.writeBlocks([b]);
    await store.rollbackBlock(ref(a));

    const expectOnly = async (live: IndexedBlock[], gone: IndexedBlock[]) => {
      for (const g of gone)
        for (const tx of g.transactions) expect(await store.getTransaction(tx.hash)).toBeNull();
      for (const l of live)
        for (const [i, tx] of l.transactions.entries())
          expect(normalizeDetail(await store.getTransaction(tx.hash))).toEqual(expectedDetail(l, i));
      const rows = <T>(pick: (b: IndexedBlock) => T[]) => live.flatMap(pick);
      for (const token of [x.token, x.weth])
        expect(await allPages((c) => store.getTokenTransfers(token, { limit: 2, cursor: c }))).toEqual(
          newestFirst(rows((l) => l.tokenTransfers.filter((t) => t.token === token))),
        );
      for (const who of [x.alice, x.router])
        expect(await allPages((c) => store.getAddressSwaps(who, { limit: 1, cursor: c }))).toEqual(
          newestFirst(rows((l) => l.swaps)),
        );
      for (const q of ["ETH", "USD"] as const) {
        const points = newestFirst(rows((l) => l.pricePoints.filter((p) => p.quote === q)));
        expect(await allPages((c) => store.getPriceSeries(x.token, q, { limit: 1, cursor: c }))).toEqual(
          points,
        );
        expect([...(await store.getLatestPrices([x.token], q)).entries()]).toEqual([[x.token, points[0]]]);
      }
      // Both forks deploy `made` through the factory (the same transaction re-included): the live one is left.
      const newest = live[live.length - 1]!;
      expect(await store.getContractCreation(x.made)).toEqual(
        live.flatMap((l) => l.contractCreations).find((c) => c.address === x.made) ?? null,
      );
      for (const g of gone)
        expect(await store.getContractCreation(createdAddressOf(g.transactions[3]!.hash))).toBeNull();
      expect(await store.getAddressBalances(x.watched)).toEqual(sortByToken(newest.balances));
      expect(await store.getDailyStats(utcDay(day), utcDay(day))).toEqual(expectedDaily(live));
    };

    await expectOnly([keep, b], [a]);
    expect(await store.getBlockByNumber(n + 1)).toEqual(b.block);
    await store.rollbackBlock(ref(b));
    await expectOnly([keep], [a, b]);
    await store.rollbackBlock(ref(b));
    await store.rollbackBlock(ref(a));
    await expectOnly([keep], [a, b]);
  });

  it("getTokenTransfers pages one token's transfers newest first across blocks, ERC-1155 batch rows included", async () => {
    const { store, n, at } = testScope(ctx, run, "tt", 5);
    const [token, other, a, c] = [at("token"), at("other"), at("a"), at("c")];
    const blocks = [0, 1, 2, 3, 4].map((k) =>
      buildBlock({
        number: n + k,
        txs: [
          {
            from: a,
            to: token,
            transfers: [
              { token, from: a, to: c, value: String(k + 1) },
              { token: other, from: c, to: a },
            ],
          },
          {
            from: c,
            to: token,
            transfers: [{ token, from: c, to: a, standard: "erc1155", batch: 2, value: "9" }],
          },
        ],
      }),
    );
    await store.writeBlocks(blocks.slice(2));
    await store.writeBlocks(blocks.slice(0, 2));
    const expected = newestFirst(blocks.flatMap((b) => b.tokenTransfers.filter((t) => t.token === token)));
    expect(expected).toHaveLength(15);
    let pages = 0;
    const got = await allPages((cursor) => {
      pages++;
      return store.getTokenTransfers(upper(token), { limit: 4, cursor });
    });
    expect(got).toEqual(expected);
    expect(pages).toBe(4);
    expect(await allPages((cursor) => store.getTokenTransfers(other, { limit: 10, cursor }))).toEqual(
      newestFirst(blocks.flatMap((b) => b.tokenTransfers.filter((t) => t.token === other))),
    );
    const first = await store.getTokenTransfers(token, { limit: 4 });
    await expect(
      store.getTokenTransfers(other, { limit: 4, cursor: first.nextCursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      store.getAddressTokenTransfers(token, { limit: 4, cursor: first.nextCursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("getAddressSwaps: each swap once whatever roles the address has, newest first, paginated", async () => {
    const { store, n, at } = testScope(ctx, run, "sw", 4);
    const [me, other, third, router, pool, pool2] = ["me", "other", "third", "router", "pool", "pool2"].map(
      at,
    ) as [string, string, string, string, string, string];
    const blocks = [
      // Multi-hop from me: the first hop pays into the next pool, the second pays me.
      buildBlock({
        number: n,
        txs: [
          {
            from: me,
            to: router,
            swaps: [
              { pool, sender: router, recipient: pool2 },
              {
                pool: pool2,
                sender: router,
                recipient: me,
                protocol: "uniswap-v3",
                amount0: "-5",
                amount1: "7",
              },
            ],
          },
        ],
      }),
      // me as the event's sender (a router contract of mine), someone else's transaction.
      buildBlock({
        number: n + 1,
        txs: [{ from: other, to: me, swaps: [{ pool, sender: me, recipient: other }] }],
      }),
      // me only as the recipient; and a swap that is not mine at all.
      buildBlock({
        number: n + 2,
        txs: [
          { from: other, to: router, swaps: [{ pool, sender: router, recipient: me }] },
          { from: third, to: router, swaps: [{ pool, sender: router, recipient: third }] },
        ],
      }),
      // All three roles at once.
      buildBlock({
        number: n + 3,
        txs: [{ from: me, to: pool, swaps: [{ pool, sender: me, recipient: me }] }],
      }),
    ];
    await store.writeBlocks(blocks);
    const swaps = blocks.flatMap((b) => b.swaps);
    const of = (who: string) =>
      newestFirst(swaps.filter((s) => [s.transactionFrom, s.sender, s.recipient].includes(who)));
    expect(of(me)).toHaveLength(5);
    // upper case: lookups ignore the address's case
    await expectPagesPerParty((who, page) => store.getAddressSwaps(upper(who), page), of, [
      [me, 2],
      [me, 1],
      [other, 2],
      [third, 5],
      [router, 3],
    ]);
    expect(of(pool2)).toHaveLength(1);
    expect((await store.getAddressSwaps(pool2, { limit: 10 })).items).toEqual(of(pool2));
    // The pool itself is no party to its swaps.
    expect((await store.getAddressSwaps(pool, { limit: 10 })).items).toEqual([]);
  });

  it("getPriceSeries: newest first per token and quote, inclusive timestamp bounds, paginated; getLatestPrices", async () => {
    const { store, n, at } = testScope(ctx, run, "px", 5);
    const t0 = uniqueDayStart();
    const [p, q, trader, pool] = [at("p"), at("q"), at("trader"), at("pool")];
    const blocks = [0, 1, 2, 3, 4].map((k) =>
      buildBlock({
        number: n + k,
        timestamp: t0 + k * 100,
        txs: [
          {
            from: trader,
            to: pool,
            swaps: [
              {
                pool,
                prices: [
                  { token: p, quote: "ETH", price: 0.001 * (k + 1) },
                  { token: p, quote: "USD", price: 3 + k },
                ],
              },
              // Two points in one block (block 2) and a token priced once (block 1).
              ...(k === 2 ? [{ pool, prices: [{ token: p, quote: "ETH" as const, price: 0.0035 }] }] : []),
              ...(k === 1 ? [{ pool, prices: [{ token: q, quote: "ETH" as const, price: 42 }] }] : []),
            ],
          },
        ],
      }),
    );
    await store.writeBlocks(blocks);
    const points = newestFirst(blocks.flatMap((b) => b.pricePoints));
    const series = (token: string, quote: "ETH" | "USD", from?: number, to?: number) =>
      points.filter(
        (x) =>
          x.token === token &&
          x.quote === quote &&
          (from === undefined || x.timestamp >= from) &&
          (to === undefined || x.timestamp <= to),
      );
    expect(series(p, "ETH")).toHaveLength(6);
    const read = (token: string, quote: "ETH" | "USD", limit: number, from?: number, to?: number) =>
      allPages((cursor) =>
        store.getPriceSeries(token, quote, { limit, cursor, fromTimestamp: from, toTimestamp: to }),
      );
    expect(await read(p, "ETH", 2)).toEqual(series(p, "ETH"));
    expect(await read(upper(p), "USD", 4)).toEqual(series(p, "USD"));
    expect(await read(p, "ETH", 1, t0 + 100, t0 + 300)).toEqual(series(p, "ETH", t0 + 100, t0 + 300));
    expect(await read(p, "ETH", 1, t0 + 100, t0 + 300)).toHaveLength(4);
    expect(await read(p, "ETH", 2, t0 + 101)).toEqual(series(p, "ETH", t0 + 101));
    expect(await read(p, "USD", 2, undefined, t0 + 99)).toEqual(series(p, "USD", undefined, t0 + 99));
    expect(await read(p, "USD", 2, t0 + 401)).toEqual([]);
    expect(await read(q, "ETH", 2)).toEqual(series(q, "ETH"));
    expect(await read(q, "USD", 2)).toEqual([]);

    const eth = await store.getLatestPrices([p, upper(q), at("never")], "ETH");
    expect(new Map([...eth.entries()].sort())).toEqual(
      new Map([
        [p, series(p, "ETH")[0]],
        [q, series(q, "ETH")[0]],
      ]),
    );
    const usd = await store.getLatestPrices([p, q], "USD");
    expect([...usd.entries()]).toEqual([[p, series(p, "USD")[0]]]);

    const first = await store.getPriceSeries(p, "ETH", { limit: 2 });
    await expect(
      store.getPriceSeries(p, "USD", { limit: 2, cursor: first.nextCursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("getAddressBalances: the newest snapshot per asset; a rollback of the newest block brings the previous back", async () => {
    const { store, n, at } = testScope(ctx, run, "bal", 3);
    const [w, v, t1, t2] = [at("w"), at("v"), at("t1"), at("t2")];
    const blocks = [
      buildBlock({
        number: n,
        balances: [
          { address: w, balance: "100" },
          { address: w, token: t1, balance: "5" },
        ],
      }),
      buildBlock({
        number: n + 1,
        balances: [
          { address: w, balance: "90" },
          { address: v, token: t1, balance: "1" },
        ],
      }),
      buildBlock({
        number: n + 2,
        balances: [
          { address: w, token: t2, balance: "7" },
          { address: w, balance: "80" },
        ],
      }),
    ];
    await store.writeBlocks(blocks);
    const snap = (k: number, token: string) =>
      blocks[k]!.balances.find((s) => s.address === w && s.token === token)!;
    expect(await store.getAddressBalances(upper(w))).toEqual(
      sortByToken([snap(2, NATIVE_ASSET), snap(0, t1), snap(2, t2)]),
    );
    expect(await store.getAddressBalances(v)).toEqual(blocks[1]!.balances.filter((s) => s.address === v));
    await store.rollbackBlock(ref(blocks[2]!));
    expect(await store.getAddressBalances(w)).toEqual(sortByToken([snap(1, NATIVE_ASSET), snap(0, t1)]));
    await store.rollbackBlock(ref(blocks[1]!));
    expect(await store.getAddressBalances(w)).toEqual(sortByToken([snap(0, NATIVE_ASSET), snap(0, t1)]));
    expect(await store.getAddressBalances(v)).toEqual([]);
  });

  it("getDailyStats merges a day's blocks with distinct active addresses, within day bounds, following rollbacks", async () => {
    const store = ctx.store();
    const n = ctx.heights(5);
    const d0 = uniqueDayStart();
    const [d1, d2] = [d0 + 86_400, d0 + 2 * 86_400];
    const at = (s: string) => addressOf(`${run}:day${n}:${s}`);
    const [a, b, c, d, e, token] = ["a", "b", "c", "d", "e", "token"].map(at) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const blocks = [
      buildBlock({ number: n, timestamp: d0 + 50, txs: [{ from: a, to: b }] }),
      buildBlock({
        number: n + 1,
        timestamp: d1,
        txs: [
          { from: a, to: c, transfers: [{ token, from: a, to: c, value: "3" }] },
          { from: b, to: a },
        ],
      }),
      buildBlock({
        number: n + 2,
        timestamp: d1 + 500,
        txs: [
          { from: a, to: b, transfers: [{ token, from: a, to: b }] },
          { from: c, to: d, transfers: [{ token: d, from: c, to: e }] },
        ],
      }),
      buildBlock({ number: n + 3, timestamp: d1 + 86_399, txs: [{ from: d, to: e }] }),
      buildBlock({ number: n + 4, timestamp: d2, txs: [{ from: a, to: b }] }),
    ];
    await store.writeBlocks(blocks);
    const [day0, day1, day2] = [d0, d1, d2].map(utcDay) as [string, string, string];

    const one = await store.getDailyStats(day1, day1);
    expect(one).toEqual(expectedDaily(blocks.slice(1, 4)));
    expect(one[0]).toMatchObject({
      day: day1,
      blocks: 3,
      transactions: 5,
      activeAddresses: 5,
      transfersPerToken: { [token]: 2, [d]: 1 },
    });
    expect(await store.getDailyStats(day0, day2)).toEqual(expectedDaily(blocks));
    expect((await store.getDailyStats(day0, day2)).map((s) => s.day)).toEqual([day0, day1, day2]);
    expect(await store.getDailyStats(day1, day2)).toEqual(expectedDaily(blocks.slice(1)));
    expect(await store.getDailyStats(utcDay(d2 + 86_400), utcDay(d2 + 5 * 86_400))).toEqual([]);

    await store.rollbackBlock(ref(blocks[2]!));
    const after = await store.getDailyStats(day1, day1);
    expect(after).toEqual(expectedDaily([blocks[1]!, blocks[3]!]));
    expect(after[0]).toMatchObject({ blocks: 2, transactions: 3, activeAddresses: 5 });
    await store.rollbackBlock(ref(blocks[3]!));
    expect((await store.getDailyStats(day1, day1))[0]).toMatchObject({ blocks: 1, activeAddresses: 3 });
  });
}

function sortByToken<T extends { token: string }>(rows: T[]): T[] {
  return [...rows].sort((x, y) => (x.token < y.token ? -1 : x.token > y.token ? 1 : 0));
}
