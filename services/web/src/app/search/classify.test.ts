import { describe, expect, it } from "vitest";
import { classifySearch, searchPath } from "./classify.ts";

describe("classifySearch", () => {
  it("recognises block numbers, hashes and addresses", () => {
    expect(classifySearch(" 1,234 ")).toEqual({ kind: "block", number: 1234 });
    expect(classifySearch("#7")).toEqual({ kind: "block", number: 7 });
    const hash = `0x${"AB".repeat(32)}`;
    expect(classifySearch(hash)).toEqual({ kind: "tx", hash: hash.toLowerCase() });
    const address = `0x${"Cd".repeat(20)}`;
    expect(classifySearch(address)).toEqual({ kind: "address", address: address.toLowerCase() });
    expect(searchPath({ kind: "block", number: 5 })).toBe("/block/5");
  });
  it("takes anything else word-like as a token symbol", () => {
    expect(classifySearch(" usdc ")).toEqual({ kind: "symbol", symbol: "usdc" });
    expect(classifySearch("USDC.e")).toEqual({ kind: "symbol", symbol: "USDC.e" });
    expect(classifySearch("1INCH")).toEqual({ kind: "symbol", symbol: "1INCH" });
    expect(searchPath({ kind: "symbol", symbol: "A&B" })).toBe("/search?q=A%26B");
  });
  it("explains what is wrong with anything else", () => {
    expect(classifySearch("")).toMatchObject({ kind: "invalid" });
    expect(classifySearch("0x1234")).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("4 digits"),
    });
    expect(classifySearch("two words")).toMatchObject({ kind: "invalid" });
    expect(classifySearch("x".repeat(33))).toMatchObject({ kind: "invalid" });
    expect(classifySearch("99999999999999999999")).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("too large"),
    });
  });
});
