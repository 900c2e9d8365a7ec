import { encodeErrorResult, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { revertReasonOf } from "./revert-reason.ts";

const solidity = parseAbi(["error Error(string)", "error Panic(uint256)", "error Unauthorized(address who)"]);

describe("revertReasonOf", () => {
  it("reads a require message", () => {
    const data = encodeErrorResult({
      abi: solidity,
      errorName: "Error",
      args: ["UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"],
    });
    expect(revertReasonOf(data)).toBe("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT");
  });

  it("names a panic by its code", () => {
    const data = encodeErrorResult({ abi: solidity, errorName: "Panic", args: [0x11n] });
    expect(revertReasonOf(data)).toBe("panic 0x11 (arithmetic overflow or underflow)");
    expect(revertReasonOf(encodeErrorResult({ abi: solidity, errorName: "Panic", args: [0x99n] }))).toBe(
      "panic 0x99 (unknown panic code)",
    );
  });

  it("names a custom error by its selector, and says when there is no data at all", () => {
    const data = encodeErrorResult({
      abi: solidity,
      errorName: "Unauthorized",
      args: ["0x000000000000000000000000000000000000dEaD"],
    });
    expect(revertReasonOf(data)).toBe(`custom error ${data.slice(0, 10)} with 32 bytes of arguments`);
    expect(revertReasonOf("0x")).toBe("reverted without a reason");
    expect(revertReasonOf(undefined)).toBe("reverted without a reason");
  });

  it("does not trust a truncated Error(string)", () => {
    expect(revertReasonOf("0x08c379a00000")).toMatch(/^custom error 0x08c379a0/);
  });
});
