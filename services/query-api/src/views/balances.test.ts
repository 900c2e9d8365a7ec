import { setTimeout as sleep } from "node:timers/promises";
import { buildBlock } from "@chainlog/ports/contract";
import { describe, expect, it } from "vitest";
import { ALICE, CAROL, sampleChain, TOKEN } from "../test-support/api-harness.ts";
import { apiHarnessForSuite } from "../test-support/suite-harness.ts";
import { createStoredSideCache, loadAddressBalances } from "./balances.ts";

describe("GET /v1/address/:address/balances without a node", () => {
  const harness = apiHarnessForSuite({ blocks: sampleChain(6) });

  it("reads the holdings the store kept from the indexed transfers and says the range they cover (since block 1: not from genesis)", async () => {
    const h = harness();
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
    const h = harness();
    expect((await h.app.inject({ method: "GET", url: "/v1/address/0x12/balances" })).statusCode).toBe(400);
    const bad = await h.app.inject({ method: "GET", url: `/v1/address/${ALICE}/balances?confirm=yes` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.parameter).toBe("confirm");
  });
});

describe("createStoredSideCache", () => {
  const harness = apiHarnessForSuite({ blocks: sampleChain(3) });

  it("reads an address's holdings once per newest stored block, and again after ttlMs", async () => {
    const h = harness();
    let reads = 0;
    const store = {
      ...h.store,
      getAddressHoldings: (address: string, limit: number) => {
        reads += 1;
        return h.store.getAddressHoldings(address, limit);
      },
    };
    const side = createStoredSideCache(60_000);
    const load = () =>
      loadAddressBalances({ store, rpc: null, ethBalance: null, storedSide: side }, ALICE, false);
    const first = await load();
    expect(await load()).toEqual(first);
    expect(reads).toBe(1);
    // a new newest block: read again, with its transfer
    await h.store.writeBlocks([
      buildBlock({
        number: 4,
        txs: [{ from: CAROL, to: TOKEN, transfers: [{ token: TOKEN, from: CAROL, to: ALICE, value: "5" }] }],
      }),
    ]);
    const after = await load();
    expect(reads).toBe(2);
    expect(BigInt(after.holdings[0]!.balance) - BigInt(first.holdings[0]!.balance)).toBe(5n);

    const short = createStoredSideCache(30);
    const loadShort = () =>
      loadAddressBalances({ store, rpc: null, ethBalance: null, storedSide: short }, ALICE, false);
    await loadShort();
    await sleep(80);
    await loadShort();
    expect(reads).toBe(4);
  });
});
