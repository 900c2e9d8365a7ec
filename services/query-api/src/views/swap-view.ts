import type { Swap, SwapView } from "@chainlog/tx-schema";

/**
 * Which leg went in and which came out, from the pool's signs: positive = paid into the pool (what the swapper
 * sold), negative = paid out (what they bought). A leg with neither sign (zero) leaves its side null / "0".
 */
export function swapView(swap: Swap): SwapView {
  const legs = [
    { token: swap.token0, amount: BigInt(swap.amount0) },
    { token: swap.token1, amount: BigInt(swap.amount1) },
  ];
  const into = legs.find((l) => l.amount > 0n);
  const out = legs.find((l) => l.amount < 0n);
  return {
    ...swap,
    tokenIn: into?.token ?? null,
    tokenOut: out?.token ?? null,
    amountIn: into ? into.amount.toString() : "0",
    amountOut: out ? (-out.amount).toString() : "0",
  };
}
