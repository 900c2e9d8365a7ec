import { InvalidRpcAnswerError } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { classifyError, permanentKind } from "./classify.ts";
import { MalformedRpcAnswerError, RpcHttpError, RpcResponseError, RpcTimeoutError } from "./errors.ts";

const rpcError = (code: number, message = "x", method = "eth_getBlockByNumber") =>
  new RpcResponseError(code, message, method);

describe("classifyError", () => {
  it("retries the generic server codes viem's default retry skips, header not found included", () => {
    for (const code of [-32000, -32603, -32020]) expect(classifyError(rpcError(code))).toBe("transient");
    expect(classifyError(rpcError(-32000, "header not found"))).toBe("transient");
  });
  it("treats 429 and -32005 as rate limiting", () => {
    expect(classifyError(new RpcHttpError(429))).toBe("rate-limited");
    expect(classifyError(rpcError(-32005, "limit exceeded"))).toBe("rate-limited");
    expect(classifyError(rpcError(-32000, "Too Many Requests"))).toBe("rate-limited");
  });
  it("splits on 413 and 'response too large'", () => {
    expect(classifyError(new RpcHttpError(413))).toBe("split");
    expect(classifyError(rpcError(-32000, "response size too large"))).toBe("split");
    expect(classifyError(rpcError(-32602, "query returned more than 10000 results; too many results"))).toBe(
      "split",
    );
  });
  it("retries 5xx, timeouts, network errors and invalid answers elsewhere", () => {
    expect(classifyError(new RpcHttpError(502))).toBe("transient");
    expect(classifyError(new RpcTimeoutError(100))).toBe("transient");
    expect(classifyError(new TypeError("fetch failed"))).toBe("transient");
    expect(classifyError(new MalformedRpcAnswerError("bad"))).toBe("transient");
    expect(classifyError(new InvalidRpcAnswerError("eth_getBlockByNumber", "bad"))).toBe("transient");
  });
  it("knows the node's permanent answers and says why", () => {
    const cases: [RpcResponseError, string][] = [
      [rpcError(-32601, "the method eth_getBlockReceipts does not exist/is not available"), "unsupported"],
      [rpcError(-32000, "tracer not found"), "unsupported"],
      [rpcError(-32000, "missing trie node 0b4e… (path )"), "missing-state"],
      [rpcError(-32000, "required historical state unavailable"), "missing-state"],
      [rpcError(-32001, "Resource not found", "debug_traceBlockByNumber"), "missing-state"],
      [rpcError(3, "execution reverted"), "reverted"],
      [rpcError(-32602, "invalid argument 0: hex string without 0x prefix"), "invalid-params"],
    ];
    for (const [error, kind] of cases) {
      expect(classifyError(error), error.message).toBe("permanent");
      expect(permanentKind(error), error.message).toBe(kind);
    }
    expect(permanentKind(rpcError(-32000, "header not found"))).toBeNull();
  });
  it("does not retry our own bugs", () => {
    expect(classifyError(new Error("bug"))).toBe("fatal");
  });
});
