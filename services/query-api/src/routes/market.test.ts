import { addressOf, hashOf } from "@chainlog/ports/contract";
import { DailyStats, mergeBlockStats, NATIVE_ASSET, PricePoint, Swap } from "@chainlog/tx-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness } from "../test-support/api-harness.ts";
import { DAY0, M, MARKET_TOKENS, marketChain, timestampOf } from "../test-support/market-chain.ts";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;
let h: ApiHarness;
const chain = marketChain(30);
const known = (address: string) => MARKET_TOKENS.find((t) => t.address === address);

beforeAll(async () => {
  h = await openApiHarness({ blocks: chain });
  await h.store.upsertTokens(MARKET_TOKENS);
});
afterAll(async () => h?.close());

const get = async (url: string) => {
  const res = await h.app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json() as Json };
};

/** Follows nextCursor to the end; fails on a loop. */
async function walk(url: string, limit: number): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 500; pages++) {
    const sep = url.includes("?") ? "&" : "?";
    const res = await get(
      `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error("pagination did not end");
}

describe("transaction detail", () => {
  it("carries swaps, approvals, WETH events, created contracts and the tokens they reference", async () => {
    const b = chain[1]!;
    const approveTx = b.transactions[2]!;
    const { status, body } = await get(`/v1/tx/${approveTx.hash}`);
    expect(status).toBe(200);
    expect(body.approvals).toEqual(b.approvals);
    expect(body.wethEvents).toEqual(b.wethEvents);
    expect(body.swaps).toEqual([]);
    // WETH is known; the mystery token was never read, so it is absent rather than invented.
    expect(body.tokens).toEqual({ [M.weth]: known(M.weth) });

    const swapTx = await get(`/v1/tx/${b.transactions[0]!.hash}`);
    expect(swapTx.body.swaps).toEqual(b.swaps.filter((s) => s.transactionIndex === 0));
    expect(Object.keys(swapTx.body.tokens).sort()).toEqual([M.link, M.weth].sort());

    const factoryTx = await get(`/v1/tx/${b.transactions[4]!.hash}`);
    expect(factoryTx.body.contractCreations).toEqual([
      expect.objectContaining({ address: M.child, creator: M.factory, source: "trace" }),
    ]);
    expect(factoryTx.body.tokens).toEqual({});
  });
});

describe("swap details by transaction", () => {
  it("names the token in and out with unsigned amounts", async () => {
    const b = chain[4]!;
    const { status, body } = await get(
      `/v1/swaps/${b.transactions[0]!.hash.toUpperCase().replace("0X", "0x")}`,
    );
    expect(status).toBe(200);
    expect(body.transactionHash).toBe(b.transactions[0]!.hash);
    expect(body.items).toHaveLength(1);
    const item = body.items[0];
    expect(Swap.parse(item)).toEqual(b.swaps[0]);
    expect(item).toMatchObject({
      tokenIn: M.weth,
      amountIn: (10n ** 18n).toString(),
      tokenOut: M.link,
      amountOut: (195n * 10n ** 18n).toString(),
    });
    expect(body.tokens[M.link]).toEqual(known(M.link));

    const v3 = (await get(`/v1/swaps/${b.transactions[1]!.hash}`)).body.items[0];
    expect(v3).toMatchObject({
      protocol: "uniswap-v3",
      tokenIn: M.weth,
      tokenOut: M.usdc,
      amountOut: "3000000000",
    });
  });

  it("answers empty items for a transaction without a swap and 404 for an unknown one", async () => {
    const plain = await get(`/v1/swaps/${chain[1]!.transactions[3]!.hash}`);
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ transactionHash: chain[1]!.transactions[3]!.hash, items: [], tokens: {} });
    const unknown = await get(`/v1/swaps/${hashOf("no-such-tx")}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
  });
});

describe("addresses", () => {
  it("tells a deployed contract, a token and a plain account apart", async () => {
    const deployed = chain[1]!.contractCreations.find((c) => c.source === "receipt")!;
    expect((await get(`/v1/address/${deployed.address}`)).body).toEqual({
      address: deployed.address,
      contractCreation: deployed,
      token: null,
    });
    const link = await get(`/v1/address/${M.link}`);
    expect(link.body).toEqual({ address: M.link, contractCreation: null, token: known(M.link) });
    const child = await get(`/v1/address/${M.child.toUpperCase().replace("0X", "0x")}`);
    expect(child.body.contractCreation).toMatchObject({ address: M.child, source: "trace" });
    const eoa = await get(`/v1/address/${addressOf("nobody")}`);
    expect(eoa).toEqual({
      status: 200,
      body: { address: addressOf("nobody"), contractCreation: null, token: null },
    });
  });

  it("pages an address's swaps newest first with their tokens", async () => {
    const mine = chain.flatMap((b) => b.swaps.filter((s) => s.transactionFrom === M.trader));
    const expected = [...mine].sort((a, b) => b.blockNumber - a.blockNumber || b.logIndex - a.logIndex);
    for (const limit of [1, 7, 100]) {
      const items = await walk(`/v1/address/${M.trader}/swaps`, limit);
      expect(items).toEqual(expected);
    }
    const first = await get(`/v1/address/${M.trader}/swaps?limit=2`);
    expect(Object.keys(first.body.tokens).sort()).toEqual([M.link, M.weth].sort());
    // The router is the swaps' event sender: they are its swaps too.
    expect((await get(`/v1/address/${M.router}/swaps?limit=100`)).body.items).toHaveLength(30);
    expect((await get(`/v1/address/${addressOf("nobody")}/swaps`)).body).toEqual({
      items: [],
      nextCursor: null,
      tokens: {},
    });
  });

  it("values a watched address's portfolio from the newest snapshots and prices", async () => {
    const { status, body } = await get(`/v1/address/${M.holder}/portfolio`);
    expect(status).toBe(200);
    const ethUsd = 3030;
    const linkEth = 1 / 170;
    expect(body).toMatchObject({ address: M.holder, watched: true, asOfBlock: 30, ethUsd });
    // By USD value; the unpriced ones last (by address).
    expect(body.holdings.map((x: Json) => x.token)).toEqual([
      NATIVE_ASSET,
      M.link,
      ...[M.usdc, M.mystery].sort(),
    ]);
    const byToken = (t: string) => body.holdings.find((x: Json) => x.token === t);
    const [eth, usdc, link, mystery] = [NATIVE_ASSET, M.usdc, M.link, M.mystery].map(byToken);
    expect(eth).toMatchObject({
      symbol: "ETH",
      amount: "2",
      priceUsd: ethUsd,
      valueUsd: 2 * ethUsd,
      blockNumber: 30,
    });
    // USDC has no price point of its own in this chain, so it is unpriced (but listed with its amount).
    expect(usdc).toMatchObject({ symbol: "USDC", amount: "1500", priceUsd: null, valueUsd: null });
    expect(link).toMatchObject({
      symbol: "LINK",
      balance: "10000000000000000030",
      amount: "10.00000000000000003",
    });
    expect(link.priceEth).toBeCloseTo(linkEth, 12);
    expect(link.priceUsd).toBeCloseTo(linkEth * ethUsd, 9);
    expect(mystery).toMatchObject({ symbol: null, decimals: null, amount: null, balance: "77" });
    // Zero WETH is omitted; only known values are summed.
    expect(body.holdings).toHaveLength(4);
    expect(body.totalUsd).toBeCloseTo(2 * ethUsd + 10 * linkEth * ethUsd, 6);
  });

  it("says an address without snapshots is not watched", async () => {
    expect((await get(`/v1/address/${M.trader}/portfolio`)).body).toEqual({
      address: M.trader,
      watched: false,
      asOfBlock: null,
      ethUsd: 3030,
      totalUsd: null,
      holdings: [],
    });
  });
});

describe("tokens", () => {
  it("serves metadata with the newest USD and ETH prices; ETH itself too; 404 when unknown", async () => {
    const link = await get(`/v1/tokens/${M.link}`);
    expect(link.status).toBe(200);
    expect(link.body.token).toEqual(known(M.link));
    expect(PricePoint.parse(link.body.priceEth)).toMatchObject({ blockNumber: 30, quote: "ETH" });
    expect(link.body.priceUsd).toBeNull();
    const eth = await get(`/v1/tokens/${NATIVE_ASSET}`);
    expect(eth.body.token).toMatchObject({ symbol: "ETH", decimals: 18 });
    expect(eth.body.priceUsd).toMatchObject({ price: 3030, blockNumber: 30 });
    const missing = await get(`/v1/tokens/${addressOf("never-seen")}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("pages a token's transfers newest first", async () => {
    const items = await walk(`/v1/tokens/${M.link}/transfers`, 4);
    expect(items).toHaveLength(30);
    expect(items.map((t) => t.blockNumber)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect((await get(`/v1/tokens/${M.mystery}/transfers`)).body).toEqual({ items: [], nextCursor: null });
  });

  it("serves a price series by quote and inclusive time window", async () => {
    const all = await walk(`/v1/tokens/${M.link}/prices?quote=ETH`, 7);
    expect(all.map((p) => p.blockNumber)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(all[0]!.price).toBeCloseTo(1 / 170, 12);
    const window = await get(
      `/v1/tokens/${M.link}/prices?quote=ETH&from=${timestampOf(5)}&to=${timestampOf(9)}`,
    );
    expect(window.body.items.map((p: Json) => p.blockNumber)).toEqual([9, 8, 7, 6, 5]);
    // USD is the default quote; LINK has no USD points, ETH (the native asset) has.
    expect((await get(`/v1/tokens/${M.link}/prices`)).body.items).toEqual([]);
    const eth = await get(`/v1/tokens/${NATIVE_ASSET}/prices?limit=1000`);
    expect(eth.body.items).toHaveLength(30);
    expect(eth.body.nextCursor).toBeNull();
  });
});

describe("daily stats and search", () => {
  it("serves the days of a range in ascending order, as merged from the blocks", async () => {
    const expected = mergeBlockStats(chain.map((b) => b.stats));
    const { status, body } = await get("/v1/stats/daily?from=2023-12-31&to=2024-01-03");
    expect(status).toBe(200);
    expect(body.items).toEqual(expected);
    expect(body.items.map((d: Json) => [d.day, d.blocks])).toEqual([
      ["2024-01-01", 24],
      ["2024-01-02", 6],
    ]);
    for (const d of body.items) DailyStats.parse(d);
    expect((await get("/v1/stats/daily?from=2024-01-02&to=2024-01-02")).body.items).toEqual([expected[1]]);
    // Default: the last 30 days ending today, where this old chain has nothing.
    expect((await get("/v1/stats/daily")).body).toEqual({ items: [] });
    expect((await get(`/v1/stats/daily?to=2024-01-29`)).body.items.map((d: Json) => d.day)).toEqual([
      "2024-01-01",
      "2024-01-02",
    ]);
    expect((await get(`/v1/stats/daily?to=2024-01-31`)).body.items.map((d: Json) => d.day)).toEqual([
      "2024-01-02",
    ]);
    expect(new Date(DAY0 * 1000).toISOString().slice(0, 10)).toBe("2024-01-01");
  });

  it("finds tokens by symbol, any case, beside the other kinds", async () => {
    const { status, body } = await get("/v1/search?q=LiNk");
    expect(status).toBe(200);
    expect(body.kind).toBe("token");
    expect(body.tokens.map((t: Json) => t.address).sort()).toEqual(
      [M.link, addressOf("market:fake-link")].sort(),
    );
    expect((await get("/v1/search?q=usdc")).body.tokens).toEqual([known(M.usdc)]);
    expect((await get("/v1/search?q=DOGE")).status).toBe(404);
    expect((await get("/v1/search?q=3")).body.kind).toBe("block");
  });
});

describe("malformed parameters of the new routes → 400 naming the parameter", () => {
  const A = M.link;
  const cases: [string, string, string][] = [
    ["/v1/swaps/0x12", "txHash", "32-byte"],
    ["/v1/address/0xzz", "address", "20-byte"],
    ["/v1/address/0x12/swaps", "address", "20-byte"],
    [`/v1/address/${A}/swaps?limit=0`, "limit", "1 to 100"],
    [`/v1/address/${A}/swaps?cursor=bogus`, "cursor", "nextCursor"],
    ["/v1/address/nope/portfolio", "address", "20-byte"],
    ["/v1/tokens/0x1", "address", "20-byte"],
    ["/v1/tokens/0x1/transfers", "address", "20-byte"],
    [`/v1/tokens/${A}/transfers?limit=101`, "limit", "1 to 100"],
    [`/v1/tokens/${A}/prices?quote=EUR`, "quote", "USD or ETH"],
    [`/v1/tokens/${A}/prices?limit=1001`, "limit", "1 to 1000"],
    [`/v1/tokens/${A}/prices?limit=0`, "limit", "1 to 1000"],
    [`/v1/tokens/${A}/prices?from=-1`, "from", "unix time"],
    [`/v1/tokens/${A}/prices?to=1.5`, "to", "unix time"],
    [`/v1/tokens/${A}/prices?cursor=%7B%7D`, "cursor", "nextCursor"],
    ["/v1/stats/daily?from=2024-13-01", "from", "YYYY-MM-DD"],
    ["/v1/stats/daily?to=2023-02-29", "to", "YYYY-MM-DD"],
    ["/v1/stats/daily?from=yesterday", "from", "YYYY-MM-DD"],
    ["/v1/stats/daily?from=2023-01-01&to=2024-01-02", "from", "at most 366 days"],
    ["/v1/stats/daily?to=2024-01-02&from=2022-12-31", "from", "at most 366 days"],
  ];
  it.each(cases)("%s → %s", async (url, parameter, message) => {
    const { status, body } = await get(url);
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe("invalid_parameter");
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toContain(message);
  });

  it("answers a reversed range as empty, not as an error", async () => {
    expect((await get(`/v1/tokens/${A}/prices?from=20&to=10`)).body).toEqual({ items: [], nextCursor: null });
    expect((await get("/v1/stats/daily?from=2024-02-01&to=2024-01-01")).body).toEqual({ items: [] });
    expect((await get("/v1/stats/daily?from=1969-12-01&to=1969-12-31")).body).toEqual({ items: [] });
  });

  it("accepts a range of exactly 366 days", async () => {
    expect((await get("/v1/stats/daily?from=2023-01-02&to=2024-01-02")).status).toBe(200);
  });

  it("rejects a cursor of one token's series for another", async () => {
    const page = await get(`/v1/tokens/${NATIVE_ASSET}/prices?limit=1`);
    const other = await get(
      `/v1/tokens/${M.link}/prices?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`,
    );
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: "cursor_not_found", parameter: "cursor" });
  });
});
