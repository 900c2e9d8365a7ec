import { describe, expect, it } from "vitest";
import { DeepReorgError } from "../errors.ts";
import { findCommonAncestor } from "./find-common-ancestor.ts";
import { RecentChain } from "./recent-chain.ts";

const ref = (number: number, branch = "a") => ({ number, hash: `0x${branch}${number}` });

describe("findCommonAncestor", () => {
  const ours = [ref(10), ref(11), ref(12), ref(13)];

  it("walks down to the newest block both chains share", async () => {
    const node = new Map([10, 11, 12, 13].map((n) => [n, n <= 11 ? `0xa${n}` : `0xb${n}`]));
    const asked: number[] = [];
    const found = await findCommonAncestor(ours, 13, async (n) => {
      asked.push(n);
      return node.get(n) ?? null;
    });
    expect(found).toEqual(ref(11));
    expect(asked).toEqual([13, 12, 11]);
  });

  it("treats a height the node lacks (shorter branch) as a mismatch", async () => {
    const found = await findCommonAncestor(ours, 13, async (n) => (n <= 10 ? `0xa${n}` : null));
    expect(found).toEqual(ref(10));
  });

  it("refuses a reorg deeper than what is kept", async () => {
    await expect(findCommonAncestor(ours, 13, async () => "0xother")).rejects.toBeInstanceOf(DeepReorgError);
  });
});

describe("RecentChain", () => {
  it("keeps the last `depth` blocks, contiguous, and truncates newest first", () => {
    const chain = new RecentChain(3);
    for (let n = 0; n < 5; n++) chain.push(ref(n));
    expect(chain.all().map((r) => r.number)).toEqual([2, 3, 4]);
    expect(chain.get(3)).toEqual(ref(3));
    expect(() => chain.push(ref(7))).toThrow(/gap/);
    expect(chain.truncateAbove(2).map((r) => r.number)).toEqual([4, 3]);
    expect(chain.tip).toEqual(ref(2));
  });
});
