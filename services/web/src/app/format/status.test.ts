import { describe, expect, it } from "vitest";
import { formatPermanentErrors, formatTraces } from "./status.ts";

describe("status formatters", () => {
  it("says whether traces are read, and why not", () => {
    expect(formatTraces(null)).toBe("unknown (no processor report)");
    expect(formatTraces({ on: true, reason: null })).toBe("on");
    expect(formatTraces({ on: false, reason: "the node cannot trace (method not found)" })).toBe(
      "off: the node cannot trace (method not found)",
    );
  });

  it("counts the permanent answers per service and method, most frequent first", () => {
    expect(formatPermanentErrors([])).toBe("none");
    expect(
      formatPermanentErrors([
        {
          service: "processor",
          method: "eth_call",
          kind: "missing-state",
          count: 3,
          lastMessage: "missing trie node",
        },
        {
          service: "ingest",
          method: "eth_getBlockReceipts",
          kind: "unsupported",
          count: 1204,
          lastMessage: "does not exist",
        },
      ]),
    ).toBe(
      "eth_getBlockReceipts (ingest): 1,204 × unsupported: does not exist; eth_call (processor): 3 × missing-state: missing trie node",
    );
  });
});
