import { InvalidRpcAnswerError } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { classifyError } from "./classify.ts";
import { MalformedRpcAnswerError, RpcHttpError, RpcResponseError, RpcTimeoutError } from "./errors.ts";

const rpcError = (code: number, message = "x") => new RpcResponseError(code, message, "eth_getBlockByNumber");

describe("classifyError", () => {
  it("retries the generic server codes viem's default retry skips", () => {
    for (const code of [-32000, -32603, -32020]) expect(classifyError(rpcError(code))).toBe("retry");
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
    expect(classifyError(new RpcHttpError(502))).toBe("retry");
    expect(classifyError(new RpcTimeoutError(100))).toBe("retry");
    expect(classifyError(new TypeError("fetch failed"))).toBe("retry");
    expect(classifyError(new MalformedRpcAnswerError("bad"))).toBe("retry");
    expect(classifyError(new InvalidRpcAnswerError("eth_getBlockByNumber", "bad"))).toBe("retry");
  });
  it("knows a missing method and a bad request", () => {
    expect(classifyError(rpcError(-32601))).toBe("unsupported");
    expect(classifyError(rpcError(-32602, "invalid argument"))).toBe("fatal");
    expect(classifyError(new Error("bug"))).toBe("fatal");
  });
});
