import { describe, expect, it } from "vitest";
import { formatUnits } from "./units.ts";

describe("formatUnits", () => {
  it.each([
    ["0", 18, "0"],
    ["1", 18, "0.000000000000000001"],
    ["1500000000000000000", 18, "1.5"],
    ["2500000", 6, "2.5"],
    ["42", 0, "42"],
    ["1000000", 6, "1"],
    ["-1500", 3, "-1.5"],
    [
      (2n ** 256n - 1n).toString(),
      18,
      "115792089237316195423570985008687907853269984665640564039457.584007913129639935",
    ],
  ])("%s with %i decimals → %s", (raw, decimals, expected) => {
    expect(formatUnits(raw, decimals)).toBe(expected);
  });
});
