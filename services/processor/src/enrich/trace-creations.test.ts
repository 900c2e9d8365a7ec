import { flattenBlockTrace, type RpcBlockTrace } from "@chainlog/rpc";
import { addr as a, tracedBlock as block, tracedTx as tx } from "@chainlog/rpc/test-support/traces";
import { describe, expect, it } from "vitest";
import { traceCreations } from "./trace-creations.ts";

describe("traceCreations", () => {
  it("keeps nested CREATE/CREATE2 frames, skips the top-level deployment and anything under a failed frame", () => {
    const trace: RpcBlockTrace = [
      {
        txHash: tx(1).hash as `0x${string}`,
        result: {
          type: "CALL",
          from: a("1"),
          to: a("f"),
          calls: [
            { type: "CREATE", from: a("f"), to: a("2") },
            {
              type: "CREATE2",
              from: a("f"),
              to: a("3"),
              calls: [{ type: "CREATE", from: a("3"), to: a("4") }],
            },
            {
              type: "CALL",
              from: a("f"),
              to: a("5"),
              error: "execution reverted",
              calls: [{ type: "CREATE", from: a("5"), to: a("6") }],
            },
            { type: "CREATE", from: a("f"), to: a("7"), error: "out of gas" },
          ],
        },
      },
      { txHash: tx(2).hash as `0x${string}`, result: { type: "CREATE", from: a("1"), to: a("8") } },
    ];
    const got = traceCreations(flattenBlockTrace(trace, block, [tx(1), tx(2)]));
    expect(got.map((c) => [c.address, c.creator, c.transactionIndex, c.source])).toEqual([
      [a("2"), a("f"), 1, "trace"],
      [a("3"), a("f"), 1, "trace"],
      [a("4"), a("3"), 1, "trace"],
    ]);
    expect(got[0]?.blockHash).toBe(block.hash.toLowerCase());
  });
});
