import { describe, expect, it } from "vitest";
import { subnetCidr } from "./cidr.ts";

describe("subnetCidr", () => {
  it("carves consecutive, non-overlapping blocks", () => {
    expect([0, 1, 2].map((i) => subnetCidr("10.40.0.0/16", 19, i))).toEqual([
      "10.40.0.0/19",
      "10.40.32.0/19",
      "10.40.64.0/19",
    ]);
    expect(subnetCidr("10.40.0.0/16", 22, 48)).toBe("10.40.192.0/22");
  });

  it("rejects blocks that do not fit and malformed CIDRs", () => {
    expect(() => subnetCidr("10.40.0.0/16", 19, 8)).toThrow(/does not fit/);
    expect(() => subnetCidr("10.40.0.0/16", 16, 0)).toThrow(/cannot carve/);
    expect(() => subnetCidr("10.400.0.0/16", 19, 0)).toThrow(/invalid IPv4 CIDR/);
  });
});
