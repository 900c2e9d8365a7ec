import type { TokenTransfer } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ALICE,
  type ApiHarness,
  BOB,
  CAROL,
  openApiHarness,
  sampleChain,
  TOKEN,
} from "../test-support/api-harness.ts";
import { foldTransfers } from "./balances.ts";

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

describe("foldTransfers", () => {
  it("nets in minus out per token and per NFT id; a transfer to oneself changes nothing", () => {
    const nft = CAROL;
    const folded = foldTransfers(ALICE, [
      transfer({ value: "10" }),
      transfer({ from: ALICE, to: BOB, value: "3" }),
      transfer({ from: ALICE, to: ALICE, value: "5" }),
      transfer({ standard: "erc721", token: nft, value: "1", tokenId: "7" }),
      transfer({ standard: "erc721", token: nft, value: "1", tokenId: "8" }),
      transfer({ standard: "erc721", token: nft, from: ALICE, to: BOB, value: "1", tokenId: "8" }),
      transfer({ standard: "erc1155", token: nft, value: "4", tokenId: "1" }),
      // Out of a balance received before the indexed range: negative, never hidden.
      transfer({ token: BOB, from: ALICE, to: BOB, value: "2" }),
    ]);
    expect(folded.fungible).toEqual(
      new Map([
        [TOKEN, 7n],
        [BOB, -2n],
      ]),
    );
    expect([...folded.nfts.values()].map((n) => [n.standard, n.tokenId, n.balance])).toEqual([
      ["erc721", "7", 1n],
      ["erc721", "8", 0n],
      ["erc1155", "1", 4n],
    ]);
  });
});

describe("GET /v1/address/:address/balances without a node", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await openApiHarness({ blocks: sampleChain(6) });
  });
  afterAll(async () => h?.close());

  it("sums the indexed transfers and says the range they cover (since block 1: not from genesis)", async () => {
    const res = await h.app.inject({ method: "GET", url: `/v1/address/${ALICE}/balances` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.indexed).toEqual({ fromBlock: 1, toBlock: 6, fromGenesis: false });
    expect(body.truncated).toBe(false);
    // No node: no ETH line; the sample chain's token has no metadata and no price.
    expect(body.holdings).toEqual([
      expect.objectContaining({
        token: TOKEN,
        balance: String(6 * 2_500_000),
        source: "transfers",
        valueUsd: null,
      }),
    ]);
    expect(body.nfts).toEqual([]);
    const carol = (await h.app.inject({ method: "GET", url: `/v1/address/${CAROL}/balances` })).json();
    expect(carol.holdings[0]).toMatchObject({ token: TOKEN, balance: String(-6 * 2_500_000), amount: null });
  });

  it("refuses a malformed address or confirm flag", async () => {
    expect((await h.app.inject({ method: "GET", url: "/v1/address/0x12/balances" })).statusCode).toBe(400);
    const bad = await h.app.inject({ method: "GET", url: `/v1/address/${ALICE}/balances?confirm=yes` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.parameter).toBe("confirm");
  });
});
