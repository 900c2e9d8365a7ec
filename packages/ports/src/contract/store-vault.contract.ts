import { expect, it } from "vitest";
import { allPages, expectPagesPerParty } from "./all-pages.ts";
import { buildBlock, uniqueName } from "./fixtures.ts";
import { newestFirst, ref, type StoreTestContext, testScope, upper } from "./store-derived.contract.ts";

/**
 * ERC-4626 Deposit/Withdraw rows: found by every party (owner, sender, receiver) once, newest first, paged;
 * written again unchanged; gone with their block's rollback while the replacement block's stay.
 */
export function describeVaultEvents(ctx: StoreTestContext): void {
  const run = uniqueName("v");

  it("getAddressVaultEvents: each event once whatever roles the address has, newest first, paginated, idempotent", async () => {
    const { store, n, at } = testScope(ctx, run, "ve", 3);
    const [me, other, payee, vault, vault2] = ["me", "other", "payee", "vault", "vault2"].map(at) as [
      string,
      string,
      string,
      string,
      string,
    ];
    expect(await store.getAddressVaultEvents(me, { limit: 5 })).toEqual({ items: [], nextCursor: null });
    const blocks = [
      buildBlock({
        number: n,
        txs: [
          // a deposit for myself, and one paid by someone else into my position
          { from: me, to: vault, vault: [{ vault, owner: me, assets: "1000", shares: "990" }] },
          { from: other, to: vault2, vault: [{ vault: vault2, owner: me, assets: "5" }] },
        ],
      }),
      buildBlock({
        number: n + 1,
        txs: [
          // all three roles in one withdraw, then a withdraw paid out to someone else
          {
            from: me,
            to: vault,
            vault: [
              { vault, owner: me, kind: "withdraw", assets: "600", shares: "500" },
              { vault, owner: me, kind: "withdraw", receiver: payee, assets: "1", shares: "1" },
            ],
          },
          { from: other, to: vault, vault: [{ vault, owner: other, assets: "7" }] },
        ],
      }),
      buildBlock({ number: n + 2, txs: [{ from: payee, to: vault, logs: 1 }] }),
    ];
    await store.writeBlocks(blocks);
    await store.writeBlocks([blocks[1]!]);
    const events = blocks.flatMap((b) => b.vaultEvents ?? []);
    const of = (who: string) =>
      newestFirst(events.filter((e) => [e.owner, e.sender, e.receiver].includes(who)));
    expect(of(me)).toHaveLength(4);
    await expectPagesPerParty((who, page) => store.getAddressVaultEvents(upper(who), page), of, [
      [me, 1],
      [me, 3],
      [other, 2],
      [payee, 5],
    ]);
    // The vault emits them; it is no party to its own events.
    expect((await store.getAddressVaultEvents(vault, { limit: 10 })).items).toEqual([]);
  });

  it("rollbackBlock removes the block's vault events only; the replacement block's stay", async () => {
    const { store, n, at } = testScope(ctx, run, "rb", 2);
    const [me, vault] = [at("me"), at("vault")];
    const keep = buildBlock({
      number: n,
      txs: [{ from: me, to: vault, vault: [{ vault, owner: me, assets: "100" }] }],
    });
    const fork = (name: string, assets: string) =>
      buildBlock({
        number: n + 1,
        fork: name,
        parentHash: keep.block.hash,
        txs: [{ from: me, to: vault, vault: [{ vault, owner: me, kind: "withdraw", assets }] }],
      });
    const a = fork("a", "40");
    const b = fork("b", "60");
    await store.writeBlocks([keep, a]);
    const mine = async () => allPages((cursor) => store.getAddressVaultEvents(me, { limit: 1, cursor }));
    expect(await mine()).toEqual(newestFirst([...keep.vaultEvents!, ...a.vaultEvents!]));
    await store.writeBlocks([b]);
    await store.rollbackBlock(ref(a));
    expect(await mine()).toEqual(newestFirst([...keep.vaultEvents!, ...b.vaultEvents!]));
    await store.rollbackBlock(ref(b));
    await store.rollbackBlock(ref(b));
    expect(await mine()).toEqual(keep.vaultEvents);
  });
}
