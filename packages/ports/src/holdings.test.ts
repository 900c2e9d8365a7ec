import type { TokenTransfer } from "@chainlog/tx-schema";
import { describe, expect, it } from "vitest";
import { holdingDeltas, holdingIdKey, holdingsLimit, tokenIdOfKey } from "./holdings.ts";

const [ALICE, BOB, TOKEN, NFT] = ["a", "b", "c", "d"].map((c) => `0x${c.repeat(40)}`) as [
  string,
  string,
  string,
  string,
];

const transfer = (t: Partial<TokenTransfer>): TokenTransfer => ({
  standard: "erc20",
  token: TOKEN,
  from: BOB,
  to: ALICE,
  value: "0",
  tokenId: null,
  operator: null,
  blockNumber: 1,
  blockHash: `0x${"1".repeat(64)}`,
  transactionHash: `0x${"2".repeat(64)}`,
  transactionIndex: 0,
  logIndex: 0,
  batchIndex: 0,
  ...t,
});

describe("holdingDeltas", () => {
  it("nets in minus out per address, token and NFT id; a transfer to oneself and a round trip leave nothing", () => {
    const deltas = holdingDeltas([
      transfer({ value: "10" }),
      transfer({ from: ALICE, to: BOB, value: "3" }),
      transfer({ from: ALICE, to: ALICE, value: "5" }),
      transfer({ standard: "erc721", token: NFT, value: "1", tokenId: "7" }),
      transfer({ standard: "erc721", token: NFT, value: "1", tokenId: "8" }),
      transfer({ standard: "erc721", token: NFT, from: ALICE, to: BOB, value: "1", tokenId: "8" }),
      transfer({ standard: "erc1155", token: NFT, value: "4", tokenId: "1" }),
    ]);
    const of = (address: string) =>
      deltas.filter((d) => d.address === address).map((d) => [d.standard, d.tokenId, d.delta]);
    expect(of(ALICE)).toEqual([
      ["erc20", null, 7n],
      ["erc721", "7", 1n],
      ["erc1155", "1", 4n],
    ]);
    expect(of(BOB)).toEqual([
      ["erc20", null, -7n],
      ["erc721", "7", -1n],
      ["erc1155", "1", -4n],
    ]);
    expect(holdingDeltas([])).toEqual([]);
  });
});

describe("holding keys", () => {
  it("token ids as 64 hex digits: text order is numeric order, and they round-trip", () => {
    const ids = ["0", "9", "10", "255", (2n ** 256n - 1n).toString()];
    const keys = ids.map(holdingIdKey);
    expect([...keys].sort()).toEqual(keys);
    expect(keys.map(tokenIdOfKey)).toEqual(ids);
    expect(holdingIdKey(null)).toBe("");
    expect(tokenIdOfKey("")).toBeNull();
  });

  it("refuses a limit outside 1..MAX_HOLDINGS_READ", () => {
    expect(holdingsLimit(1)).toBe(1);
    for (const bad of [0, 1.5, 10_001, Number.NaN]) expect(() => holdingsLimit(bad)).toThrow(RangeError);
  });
});
