import { describe, expect, it } from "vitest";
import { parseAddressList } from "./addresses.ts";

describe("parseAddressList", () => {
  it("splits on lines, commas and spaces, dedupes case-insensitively and reports the rest", () => {
    const a = `0x${"Ab".repeat(20)}`;
    const b = `0x${"12".repeat(20)}`;
    expect(parseAddressList(`${a}\n${b}, ${a.toLowerCase()}  nope 0x12`)).toEqual({
      addresses: [a.toLowerCase(), b],
      invalid: ["nope", "0x12"],
    });
    expect(parseAddressList("  \n")).toEqual({ addresses: [], invalid: [] });
  });
});
