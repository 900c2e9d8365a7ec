import { expect, it } from "vitest";
import { MAX_HOLDINGS_READ, type TokenHolding } from "../holdings.ts";
import type { IndexedBlock } from "../store.ts";
import { allPages } from "./all-pages.ts";
import { addressOf, buildBlock, MAX_UINT256, uniqueName } from "./fixtures.ts";
import type { StoreTestContext } from "./store-derived.contract.ts";

const ref = (b: IndexedBlock) => ({ number: b.block.number, hash: b.block.hash });
const upper = (address: string) => `0x${address.slice(2).toUpperCase()}`;

/** [token, tokenId, balance] per holding: what the assertions compare. */
const brief = (rows: TokenHolding[]) => rows.map((h) => [h.token, h.tokenId, h.balance]);

/** Rows as the store orders them: by token, then token id numerically (ERC-20 first). */
const sorted = (rows: (string | null)[][]) =>
  [...rows].sort((a, b) =>
    a[0] !== b[0] ? (a[0]! < b[0]! ? -1 : 1) : BigInt(a[1] ?? "-1") < BigInt(b[1] ?? "-1") ? -1 : 1,
  );

/**
 * The holdings an address has by its transfers as the store pages them: an independent sum (the store's own
 * transfer index, folded here) that every holdings answer must equal.
 */
async function summedFromTransfers(ctx: StoreTestContext, address: string) {
  const transfers = await allPages((cursor) =>
    ctx.store().getAddressTokenTransfers(address, { limit: 100, cursor }),
  );
  const sums = new Map<string, [string, string | null, bigint]>();
  for (const t of transfers) {
    const id = t.standard === "erc20" ? null : (t.tokenId ?? "0");
    const key = `${t.token}/${id === null ? "" : BigInt(id).toString(16).padStart(64, "0")}`;
    const delta = (t.to === address ? BigInt(t.value) : 0n) - (t.from === address ? BigInt(t.value) : 0n);
    const held = sums.get(key) ?? [t.token, id, 0n];
    held[2] += delta;
    sums.set(key, held);
  }
  return [...sums.entries()]
    .filter(([, [, , v]]) => v !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, [token, id, v]]) => [token, id, v.toString()]);
}

/**
 * Holdings (ERC-20/721/1155 per address, token and token id) kept by the store as blocks come and go: equal to the
 * sum of the address's stored transfers after every write, replacement, rollback and replay.
 */
export function describeHoldings(ctx: StoreTestContext): void {
  const run = uniqueName("h");

  const actors = (label: string) => ({
    alice: addressOf(`${run}:${label}:alice`),
    bob: addressOf(`${run}:${label}:bob`),
    carol: addressOf(`${run}:${label}:carol`),
    mint: "0x0000000000000000000000000000000000000000",
    // tokens ordered by address so the expected order is plain to read
    ...Object.fromEntries(
      ["erc20", "other20", "nft721", "nft1155"].map((k) => [k, addressOf(`${run}:${label}:${k}`)]),
    ),
  });

  it("holdings follow written blocks: ERC-20 per token, ERC-721/1155 per id, self-transfers and zeros absent", async () => {
    const store = ctx.store();
    const n = ctx.heights(2);
    const x = actors(`w${n}`) as Record<string, string>;
    const { alice, bob, carol, mint, erc20, other20, nft721, nft1155 } = x as Record<string, string>;
    const first = buildBlock({
      number: n,
      txs: [
        {
          from: bob!,
          to: erc20!,
          transfers: [
            { token: erc20!, from: mint!, to: bob!, value: MAX_UINT256 },
            { token: erc20!, from: bob!, to: alice!, value: "700" },
            { token: other20!, from: alice!, to: carol!, value: "5" },
          ],
        },
        {
          from: carol!,
          to: nft721!,
          transfers: [
            { token: nft721!, from: mint!, to: alice!, standard: "erc721", tokenId: "10" },
            { token: nft721!, from: mint!, to: alice!, standard: "erc721", tokenId: "9" },
            { token: nft721!, from: mint!, to: alice!, standard: "erc721", tokenId: MAX_UINT256 },
            { token: nft1155!, from: carol!, to: alice!, standard: "erc1155", batch: 3, value: "4" },
          ],
        },
      ],
    });
    const second = buildBlock({
      number: n + 1,
      txs: [
        {
          from: alice!,
          to: erc20!,
          transfers: [
            { token: erc20!, from: alice!, to: bob!, value: "200" },
            // to oneself: changes nothing
            { token: erc20!, from: alice!, to: alice!, value: "50" },
            { token: nft721!, from: alice!, to: bob!, standard: "erc721", tokenId: "9" },
            // ERC-1155 id 2 out and back again within the block: nets to zero, absent
            { token: nft1155!, from: alice!, to: carol!, standard: "erc1155", tokenId: "2", value: "4" },
            { token: nft1155!, from: carol!, to: alice!, standard: "erc1155", tokenId: "2", value: "4" },
            { token: nft1155!, from: alice!, to: carol!, standard: "erc1155", tokenId: "3", value: "4" },
          ],
        },
      ],
    });
    await store.writeBlocks([first, second]);

    const aliceHoldings = await store.getAddressHoldings(alice!, 100);
    expect(brief(aliceHoldings)).toEqual(
      sorted([
        [erc20!, null, "500"],
        // sent before it was received in the indexed range: negative, never hidden
        [other20!, null, "-5"],
        [nft721!, "10", "1"],
        [nft721!, MAX_UINT256, "1"],
        [nft1155!, "1", "4"],
        [nft1155!, "2", "4"],
      ]),
    );
    expect(aliceHoldings.map((h) => [h.address, h.standard])).toEqual(
      aliceHoldings.map((h) => [
        alice,
        h.token === nft721 ? "erc721" : h.token === nft1155 ? "erc1155" : "erc20",
      ]),
    );
    expect(brief(await store.getAddressHoldings(bob!, 100))).toEqual(
      sorted([
        [erc20!, null, (BigInt(MAX_UINT256) - 500n).toString()],
        [nft721!, "9", "1"],
      ]),
    );
    expect(await store.getAddressHoldings(upper(alice!), 100)).toEqual(aliceHoldings);
    // the mint address goes negative by everything minted
    expect(brief(await store.getAddressHoldings(mint!, 100))).toEqual(
      sorted([
        [erc20!, null, `-${MAX_UINT256}`],
        [nft721!, "9", "-1"],
        [nft721!, "10", "-1"],
        [nft721!, MAX_UINT256, "-1"],
      ]),
    );
    for (const a of [alice!, bob!, carol!])
      expect(brief(await store.getAddressHoldings(a, 100))).toEqual(await summedFromTransfers(ctx, a));
    // the limit keeps the first holdings in order
    expect(await store.getAddressHoldings(alice!, 2)).toEqual(aliceHoldings.slice(0, 2));
    expect(await store.getAddressHoldings(addressOf(`${run}:nobody`), 10)).toEqual([]);
    for (const bad of [0, -1, 1.5, MAX_HOLDINGS_READ + 1, Number.NaN])
      await expect(store.getAddressHoldings(alice!, bad)).rejects.toThrow(RangeError);
    for (const hostile of ["' OR 1=1 --", "%", "\u0000"])
      expect(await store.getAddressHoldings(hostile, 10)).toEqual([]);
  });

  it("a rolled-back block takes its transfers off, a reorg swaps them, and writing a block again changes nothing", async () => {
    const store = ctx.store();
    const n = ctx.heights(3);
    const { alice, bob, erc20, nft1155 } = actors(`r${n}`) as Record<string, string>;
    const pay = (number: number, fork: string, value: string, id: string) =>
      buildBlock({
        number,
        fork,
        txs: [
          {
            from: bob!,
            to: erc20!,
            transfers: [
              { token: erc20!, from: bob!, to: alice!, value },
              { token: nft1155!, from: bob!, to: alice!, standard: "erc1155", tokenId: id, value: "1" },
            ],
          },
        ],
      });
    const b0 = pay(n, "main", "100", "1");
    const b1 = pay(n + 1, "main", "10", "2");
    const b2 = pay(n + 2, "main", "1", "3");
    await store.writeBlocks([b0, b1, b2]);
    /** What alice holds: `paid` of the ERC-20 and one of each ERC-1155 id. */
    const held = (paid: string, ...ids: string[]) =>
      sorted([[erc20!, null, paid], ...ids.map((id) => [nft1155!, id, "1"])]);
    const all = held("111", "1", "2", "3");
    expect(brief(await store.getAddressHoldings(alice!, 10))).toEqual(all);

    // the same blocks again, alone and together: counted once
    await store.writeBlocks([b1]);
    await store.writeBlocks([b0, b1, b2]);
    expect(brief(await store.getAddressHoldings(alice!, 10))).toEqual(all);

    // a reorg replaces n+2: its transfers go, the new block's come
    const fork = pay(n + 2, "fork", "5000", "7");
    await store.writeBlocks([fork]);
    const afterFork = held("5110", "1", "2", "7");
    expect(brief(await store.getAddressHoldings(alice!, 10))).toEqual(afterFork);
    // what alice received, bob paid
    expect(brief(await store.getAddressHoldings(bob!, 10))).toEqual(
      afterFork.map(([token, id, balance]) => [token, id, `-${balance}`]),
    );

    // rolled back to n; a block rolled back twice is taken off once
    await store.rollbackBlock(ref(fork));
    await store.rollbackBlock(ref(b1));
    await store.rollbackBlock(ref(b1));
    await store.rollbackBlock(ref(b2));
    const atFirst = held("100", "1");
    expect(brief(await store.getAddressHoldings(alice!, 10))).toEqual(atFirst);
    for (const a of [alice!, bob!])
      expect(brief(await store.getAddressHoldings(a, 10))).toEqual(await summedFromTransfers(ctx, a));

    // everything rolled back: nothing held, nothing left behind
    await store.rollbackBlock(ref(b0));
    expect(await store.getAddressHoldings(alice!, 10)).toEqual([]);
    expect(await store.getAddressHoldings(bob!, 10)).toEqual([]);

    // and written again, the chain reads as it did
    await store.writeBlocks([b0, b1, b2]);
    expect(brief(await store.getAddressHoldings(alice!, 10))).toEqual(all);
  });
}
