import { describe, expect, it } from "vitest";
import { formatAge, formatEth, formatGwei, formatPercent, formatUnits, shortHex } from "./units.ts";

describe("formatUnits", () => {
  it("is exact where floats are not", () => {
    expect(formatUnits("1", 18)).toBe("0.000000000000000001");
    expect(formatUnits("9007199254740993", 18)).toBe("0.009007199254740993");
    expect(formatUnits("123456789012345678901234567890", 18)).toBe("123456789012.34567890123456789");
    expect(formatUnits((2n ** 256n - 1n).toString(), 18)).toBe(
      "115792089237316195423570985008687907853269984665640564039457.584007913129639935",
    );
  });
  it("drops trailing zeros and the point for whole amounts", () => {
    expect(formatUnits("1000000000000000000", 18)).toBe("1");
    expect(formatUnits("1500000000000000000", 18)).toBe("1.5");
    expect(formatUnits("0", 18)).toBe("0");
    expect(formatUnits(-1500n, 3)).toBe("-1.5");
    expect(formatUnits("42", 0)).toBe("42");
  });
  it("formats ETH and gwei with grouped thousands", () => {
    expect(formatEth("1234567000000000000000000")).toBe("1,234,567 ETH");
    expect(formatGwei("1000000007")).toBe("1.000000007 gwei");
  });
  it("rejects what is not an integer", () => {
    expect(() => formatUnits("1.5", 18)).toThrow();
  });
});

describe("small formatters", () => {
  it("shortens hashes but not short values", () => {
    expect(shortHex(`0x${"ab".repeat(32)}`)).toBe("0xababab…ababab");
    expect(shortHex("0x1234")).toBe("0x1234");
  });
  it("gives ages and percentages", () => {
    expect(formatAge(100, 112)).toBe("12 s ago");
    expect(formatAge(100, 100 + 7200)).toBe("2 h ago");
    expect(formatPercent("15000000", "30000000")).toBe("50.0%");
    expect(formatPercent("1", "3")).toBe("33.3%");
    expect(formatPercent("0", "0")).toBe("0%");
  });
});
