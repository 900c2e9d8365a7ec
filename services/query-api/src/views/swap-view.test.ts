import { addressOf, buildBlock } from "@chainlog/ports/contract";
import { describe, expect, it } from "vitest";
import { swapView } from "./swap-view.ts";

const A = addressOf("a");
const B = addressOf("b");
const swapOf = (amount0: string, amount1: string, token0: string | null = A, token1: string | null = B) =>
  buildBlock({
    number: 1,
    txs: [{ from: A, to: B, swaps: [{ pool: addressOf("pool"), token0, token1, amount0, amount1 }] }],
  }).swaps[0]!;

describe("swapView", () => {
  it("reads in and out from the pool's signs", () => {
    expect(swapView(swapOf("1000", "-2000"))).toMatchObject({
      tokenIn: A,
      amountIn: "1000",
      tokenOut: B,
      amountOut: "2000",
    });
    expect(swapView(swapOf("-5", "7"))).toMatchObject({
      tokenIn: B,
      amountIn: "7",
      tokenOut: A,
      amountOut: "5",
    });
  });

  it("keeps the swap's own fields and exact uint256 amounts", () => {
    const big = (2n ** 255n - 1n).toString();
    const s = swapOf(big, `-${big}`);
    const v = swapView(s);
    expect(v).toMatchObject(s);
    expect(v.amountIn).toBe(big);
    expect(v.amountOut).toBe(big);
  });

  it("leaves a side empty when no amount has its sign, and unknown tokens null", () => {
    expect(swapView(swapOf("0", "-3"))).toMatchObject({ tokenIn: null, amountIn: "0", tokenOut: B });
    expect(swapView(swapOf("4", "-3", null, null))).toMatchObject({
      tokenIn: null,
      amountIn: "4",
      tokenOut: null,
      amountOut: "3",
    });
  });
});
