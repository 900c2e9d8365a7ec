import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness, signUpUser } from "./test-support/api-harness.ts";
import { M, MARKET_TOKENS, marketChain } from "./test-support/market-chain.ts";

/*
 * Generated hostile input at every route: random and unicode strings, operator objects, huge numbers, path
 * traversal, oversized bodies, duplicate parameters. The server may refuse anything, but never with a 5xx and
 * never with a body that is not the error shape.
 */
let h: ApiHarness;
let cookie = "";

beforeAll(async () => {
  // Blocks with swaps, prices, balances, approvals and creations, so every route reaches real rows.
  h = await openApiHarness({ blocks: marketChain(4) });
  await h.store.upsertTokens(MARKET_TOKENS);
  ({ cookie } = await signUpUser(h.app, "hostile@example.com"));
});
afterAll(async () => h?.close());

const NASTY = [
  '{"$gt":""}',
  "$gt",
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f",
  "%00",
  "\u0000",
  "9".repeat(400),
  "-1",
  "1e309",
  "NaN",
  "Infinity",
  "0x",
  `0x${"f".repeat(64)}00`,
  `0x${"F".repeat(40)}`,
  "__proto__",
  "constructor",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "𝟘𝟙😀\u202e",
  "%",
  "%%",
  "%E0%A4%A",
  "a".repeat(5000),
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }).map(String),
  fc.double().map(String),
);

/**
 * Either URL-encoded (reaches the validators) or raw (exercises the router and URL decoding). A raw segment does not
 * start with a slash or a backslash: at the root route that would make a path the injector parses as a
 * scheme-relative URL (another host, or ERR_INVALID_URL) instead of sending it as a path. Both characters still
 * occur raw later in a segment, and encoded anywhere.
 */
const segment = fc
  .tuple(nastyString, fc.boolean())
  .map(([s, raw]) => (raw ? s.replace(/[?#]/g, "").replace(/^[\\/]+/, "") : encodeURIComponent(s)));

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    nastyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        nastyString,
        fc.constantFrom(
          "$gt",
          "$ne",
          "$where",
          "email",
          "password",
          "name",
          "addresses",
          "kind",
          "params",
          "scopes",
        ),
      ),
      tie("value"),
      { maxKeys: 4 },
    ),
  ),
})).value;

const ROUTES: [string, (p: string) => string][] = [
  ["GET", (p) => `/v1/blocks/${p}`],
  ["GET", (p) => `/v1/blocks/${p}/txs`],
  ["GET", (p) => `/v1/tx/${p}`],
  ["GET", (p) => `/v1/address/${p}/txs`],
  ["GET", (p) => `/v1/address/${p}/token-transfers`],
  ["GET", (p) => `/v1/address/${p}`],
  ["GET", (p) => `/v1/address/${p}/swaps`],
  ["GET", (p) => `/v1/address/${p}/portfolio`],
  ["GET", (p) => `/v1/swaps/${p}`],
  ["GET", (p) => `/v1/tokens/${p}`],
  ["GET", (p) => `/v1/tokens/${p}/transfers`],
  ["GET", (p) => `/v1/tokens/${p}/prices`],
  ["GET", (p) => `/v1/watchlists/${p}`],
  ["PATCH", (p) => `/v1/watchlists/${p}`],
  ["DELETE", (p) => `/v1/watchlists/${p}`],
  ["GET", (p) => `/v1/jobs/${p}`],
  ["POST", (p) => `/v1/jobs/${p}/cancel`],
  ["GET", (p) => `/v1/jobs/${p}/result`],
  ["DELETE", (p) => `/v1/keys/${p}`],
  ["GET", (p) => `/v1/${p}`],
  ["GET", (p) => `/${p}`],
];
const FIXED: [string, string][] = [
  ["GET", "/v1/blocks/latest"],
  ["GET", "/v1/search"],
  ["GET", `/v1/address/0x${"ab".repeat(20)}/txs`],
  ["GET", "/v1/blocks/1/txs"],
  ["GET", `/v1/address/${M.trader}/swaps`],
  ["GET", `/v1/address/${M.holder}/portfolio`],
  ["GET", `/v1/address/${M.link}`],
  ["GET", `/v1/swaps/0x${"cd".repeat(32)}`],
  ["GET", `/v1/tokens/${M.link}`],
  ["GET", `/v1/tokens/${M.link}/transfers`],
  ["GET", `/v1/tokens/${M.link}/prices`],
  ["GET", "/v1/stats/daily"],
  ["GET", "/v1/status"],
  ["POST", "/v1/auth/signup"],
  ["POST", "/v1/auth/login"],
  ["POST", "/v1/auth/logout"],
  ["GET", "/v1/auth/me"],
  ["POST", "/v1/keys"],
  ["GET", "/v1/keys"],
  ["POST", "/v1/watchlists"],
  ["GET", "/v1/watchlists"],
  ["POST", "/v1/jobs"],
  ["GET", "/v1/jobs"],
  ["GET", "/healthz"],
  ["GET", "/readyz"],
];

const QUERY_KEYS = [
  "limit",
  "cursor",
  "q",
  "quote",
  "from",
  "to",
  "limit[$gt]",
  "cursor[]",
  "from[]",
  "__proto__",
  "constructor[prototype]",
];
const query = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), nastyString), nastyString), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"));

async function expectNo5xx(
  method: string,
  url: string,
  payload?: string,
  headers: Record<string, string> = {},
) {
  const res = await h.app.inject({
    method: method as "GET",
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  if (res.statusCode >= 500)
    throw new Error(`${method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    const body = res.json() as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, `${method} ${url}`).toBe("string");
    expect(typeof body.error?.message).toBe("string");
  }
  return res;
}

describe("hostile input at every route", () => {
  it("path parameters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        fc.boolean(),
        async ([method, path], p, authed) => {
          await expectNo5xx(method, path(p), undefined, authed ? { cookie } : {});
        },
      ),
      { numRuns: 600 },
    );
  });

  it("query strings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXED.filter(([m]) => m === "GET")),
        query,
        async ([method, path], qs) => {
          await expectNo5xx(method, `${path}?${qs}`, undefined, { cookie });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("JSON bodies, including operator objects, at every route that takes one", async () => {
    const bodyRoutes = [
      ...FIXED.filter(([m]) => m !== "GET"),
      ["PATCH", "/v1/watchlists/x"] as [string, string],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), jsonValue, async ([method, path], body) => {
        await expectNo5xx(method, path, JSON.stringify(body), { cookie, "content-type": "application/json" });
      }),
      { numRuns: 300 },
    );
  });

  it("raw bodies, content types, oversized bodies and hostile headers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXED),
        fc.oneof(nastyString, fc.constant("x".repeat(70_000)), fc.constant(`{"a":${"[".repeat(5000)}`)),
        fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "application/json; charset=utf-16",
          "",
        ),
        fc.constantFrom(
          "",
          "Bearer ",
          "Bearer clk_x",
          `Bearer ${"😀".repeat(100)}`,
          "Basic Og==",
          "Bearer a b c",
        ),
        async ([method, path], payload, type, authorization) => {
          const headers: Record<string, string> = {};
          if (type) headers["content-type"] = type;
          if (authorization) headers.authorization = authorization;
          await expectNo5xx(method, path, method === "GET" ? undefined : payload, headers);
        },
      ),
      { numRuns: 300 },
    );
  });
});
