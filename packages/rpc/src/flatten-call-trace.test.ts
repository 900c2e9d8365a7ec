import { describe, expect, it } from "vitest";
import { flattenBlockTrace, TraceUnavailableError } from "./flatten-call-trace.ts";
import type { RpcBlockTrace } from "./rpc-schema.ts";
import { addr as a, tracedBlock as block, tracedTx as tx } from "./test-support/traces.ts";

/** A router call as geth and anvil trace it: WETH withdraw paying ETH back, a reverted branch, a CREATE2, a selfdestruct. */
const routerTrace: RpcBlockTrace = [
  {
    txHash: tx(0).hash as `0x${string}`,
    result: {
      type: "CALL",
      from: a("A"),
      to: a("1"),
      value: "0x0",
      gas: "0x30d40",
      gasUsed: "0x1d4c0",
      input: "0x18cbafe5",
      output: "0x",
      calls: [
        {
          type: "CALL",
          from: a("1"),
          to: a("2"),
          value: "0x0",
          gas: "0x1000",
          gasUsed: "0x800",
          input: "0x2e1a7d4d",
          calls: [
            {
              type: "CALL",
              from: a("2"),
              to: a("1"),
              value: "0xde0b6b3a7640000",
              gas: "0x8fc",
              gasUsed: "0x37",
              input: "0x",
            },
          ],
        },
        {
          type: "STATICCALL",
          from: a("1"),
          to: a("3"),
          gas: "0x100",
          gasUsed: "0x50",
          input: "0x70a08231",
          output: "0x01",
        },
        {
          type: "CALL",
          from: a("1"),
          to: a("4"),
          value: "0x5",
          gas: "0x100",
          gasUsed: "0x100",
          input: "0x",
          error: "execution reverted",
          revertReason: "nope",
          calls: [
            {
              type: "DELEGATECALL",
              from: a("4"),
              to: a("5"),
              gas: "0x10",
              gasUsed: "0x10",
              input: "0xabcdef01",
            },
          ],
        },
        {
          type: "CREATE2",
          from: a("1"),
          to: a("6"),
          value: "0x0",
          gas: "0x5000",
          gasUsed: "0x4000",
          input: "0x6080",
          output: "0x6080aa",
          calls: [
            {
              type: "SELFDESTRUCT",
              from: a("6"),
              to: a("A"),
              value: "0x2",
              gas: "0x0",
              gasUsed: "0x0",
              input: "0x",
            },
          ],
        },
      ],
    },
  },
  // an older geth: no txHash (matched by position), a bare SELFDESTRUCT frame
  {
    result: {
      type: "CALL",
      from: a("B"),
      to: a("7"),
      value: "0x0",
      gas: "0x10",
      gasUsed: "0x10",
      input: "0x41c0e1b5",
      calls: [{ type: "SELFDESTRUCT" }],
    },
  },
];

describe("flattenBlockTrace", () => {
  const got = flattenBlockTrace(routerTrace, block, [tx(0), tx(1)]);

  it("lists every frame depth first with its trace address, depth, subtraces and the node's values", () => {
    expect(
      got.map((f) => [f.transactionIndex, f.traceAddress.join("."), f.depth, f.callType, f.subtraces]),
    ).toEqual([
      [0, "", 0, "CALL", 4],
      [0, "0", 1, "CALL", 1],
      [0, "0.0", 2, "CALL", 0],
      [0, "1", 1, "STATICCALL", 0],
      [0, "2", 1, "CALL", 1],
      [0, "2.0", 2, "DELEGATECALL", 0],
      [0, "3", 1, "CREATE2", 1],
      [0, "3.0", 2, "SELFDESTRUCT", 0],
      [1, "", 0, "CALL", 1],
      [1, "0", 1, "SELFDESTRUCT", 0],
    ]);
    expect(got[2]).toEqual({
      blockNumber: 7,
      blockHash: block.hash.toLowerCase(),
      transactionHash: tx(0).hash,
      transactionIndex: 0,
      traceAddress: [0, 0],
      depth: 2,
      callType: "CALL",
      from: a("2"),
      to: a("1"),
      value: "1000000000000000000",
      gas: "2300",
      gasUsed: "55",
      input: "0x",
      output: null,
      error: null,
      revertReason: null,
      status: 1,
      subtraces: 0,
    });
    // absent fields stay absent: a STATICCALL moves no value, a bare SELFDESTRUCT reports nothing
    expect(got[3]?.value).toBeNull();
    expect(got[9]).toMatchObject({ from: null, to: null, value: null, gas: null, input: null, status: 1 });
    expect(got[8]?.transactionHash).toBe(tx(1).hash);
    expect(got[7]).toMatchObject({ from: a("6"), to: a("a"), value: "2", status: 1 });
  });

  it("marks a reverted frame and its whole subtree with status 0; only the frame that failed carries the error", () => {
    expect(got[4]).toMatchObject({
      error: "execution reverted",
      revertReason: "nope",
      status: 0,
      value: "5",
    });
    expect(got[5]).toMatchObject({ error: null, status: 0 });
    expect(got.filter((f) => f.status === 0).map((f) => f.traceAddress.join("."))).toEqual(["2", "2.0"]);
  });

  it("refuses answers that are not a trace of this block", () => {
    expect(() => flattenBlockTrace([{ error: "missing trie node" }], block, [tx(0)])).toThrow(
      TraceUnavailableError,
    );
    expect(() => flattenBlockTrace(routerTrace, block, [tx(0)])).toThrow(/2 transactions, block 7 has 1/);
    expect(() => flattenBlockTrace(routerTrace, block, [tx(2), tx(1)])).toThrow(/unknown transaction/);
    expect(() => flattenBlockTrace([{ result: { type: "JUMP", from: a("1") } }], block, [tx(0)])).toThrow(
      /unknown call frame type/,
    );
    expect(() =>
      flattenBlockTrace([{ result: { type: "CALL", value: "12" as `0x${string}` } }], block, [tx(0)]),
    ).toThrow(/not a quantity/);
    expect(flattenBlockTrace([], block, [])).toEqual([]);
  });
});
