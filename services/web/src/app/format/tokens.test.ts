import { NATIVE_ASSET as SCHEMA_NATIVE_ASSET } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import {
  formatPrice,
  formatTokenAmount,
  formatUsd,
  NATIVE_ASSET,
  swapSides,
  tokenLabel,
  trimDecimal,
} from "./tokens.ts";

describe("formatTokenAmount", () => {
  it("applies the token's decimals exactly", () => {
    expect(formatTokenAmount("1500000", 6, "USDC")).toBe("1.5 USDC");
    expect(formatTokenAmount("123456789012345678901234567", 18, "TKA")).toBe(
      "123,456,789.012345678901234567 TKA",
    );
    expect(formatTokenAmount(1n, 18)).toBe("0.000000000000000001");
    expect(formatTokenAmount("42", 0, "NFT")).toBe("42 NFT");
  });
  it("shortens to significant digits on request, never rounding up", () => {
    expect(formatTokenAmount("9871580343970612988504", 18, "CLG", 6)).toBe("9,871.580343 CLG");
    expect(formatTokenAmount("1000000000000000000", 18, "WETH", 6)).toBe("1 WETH");
    expect(formatTokenAmount("123", 18, undefined, 2)).toBe("0.00000000000000012");
  });
  it("says base units when the decimals are unknown", () => {
    expect(formatTokenAmount("4200000000000000000001", null)).toBe(
      "4,200,000,000,000,000,000,001 (base units)",
    );
    expect(formatTokenAmount("1000", undefined, "X")).toBe("1,000 X (base units)");
  });
  it("rejects what is not an integer", () => {
    expect(() => formatTokenAmount("1.5", 18)).toThrow();
  });
});

describe("trimDecimal", () => {
  it("keeps significant digits without rounding up", () => {
    expect(trimDecimal("1,234.567891234")).toBe("1,234.567891");
    expect(trimDecimal("0.000000123456789", 4)).toBe("0.0000001234");
    expect(trimDecimal("12.000000001", 4)).toBe("12");
    expect(trimDecimal("7")).toBe("7");
    expect(trimDecimal("0.9999999999", 2)).toBe("0.99");
  });
});

describe("formatUsd and formatPrice", () => {
  it("formats dollars with cents, dust and missing prices", () => {
    expect(formatUsd(1234567.891)).toBe("$1,234,567.89");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.004)).toBe("< $0.01");
    expect(formatUsd(null)).toBe("—");
    expect(formatUsd(Number.NaN)).toBe("—");
  });
  it("keeps four significant digits for small prices and spells out tiny ones", () => {
    expect(formatPrice(0.00012346, "ETH")).toBe("0.0001235 ETH");
    expect(formatPrice(2500, "USD")).toBe("$2,500.00");
    expect(formatPrice(1.5, "USD")).toBe("$1.5");
    expect(formatPrice(0.5, "USD")).toBe("$0.5");
    expect(formatPrice(1.2e-9, "ETH")).toBe("0.0000000012 ETH");
    expect(formatPrice(null, "USD")).toBe("—");
  });
});

describe("tokens", () => {
  it("uses tx-schema's native asset address", () => {
    expect(NATIVE_ASSET).toBe(SCHEMA_NATIVE_ASSET);
  });
  it("labels a token by symbol, else by short address", () => {
    const address = `0x${"ab".repeat(20)}`;
    expect(tokenLabel(address, { symbol: "TKA" })).toBe("TKA");
    expect(tokenLabel(address, { symbol: "  " })).toBe("0xabab…abab");
    expect(tokenLabel(address, null)).toBe("0xabab…abab");
    expect(tokenLabel(NATIVE_ASSET)).toBe("ETH");
  });
  it("tells the sold token from the bought one by the pool's signs", () => {
    const t0 = `0x${"01".repeat(20)}`;
    const t1 = `0x${"02".repeat(20)}`;
    expect(swapSides({ token0: t0, token1: t1, amount0: "1000", amount1: "-990" })).toEqual({
      tokenIn: t0,
      tokenOut: t1,
      amountIn: "1000",
      amountOut: "990",
    });
    expect(swapSides({ token0: t0, token1: t1, amount0: "-5", amount1: "7" })).toEqual({
      tokenIn: t1,
      tokenOut: t0,
      amountIn: "7",
      amountOut: "5",
    });
    expect(swapSides({ token0: null, token1: null, amount0: "0", amount1: "-3" })).toMatchObject({
      tokenIn: null,
      amountIn: "0",
      amountOut: "3",
    });
  });
});
