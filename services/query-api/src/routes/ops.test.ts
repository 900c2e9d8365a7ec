import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../server.ts";
import { type ApiHarness, openApiHarness, sampleChain } from "../test-support/api-harness.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness({ blocks: sampleChain(2) });
});
afterAll(async () => h?.close());

describe("operations routes", () => {
  it("answers liveness and readiness", async () => {
    expect((await h.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await h.app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.map((c: { name: string }) => c.name)).toEqual(["store", "meta"]);
  });

  it("turns unready with the error shape when the store fails", async () => {
    // Fault injection: the real store, with its health check failing the way a lost disk would.
    const store = Object.assign(Object.create(h.store) as typeof h.store, {
      health: async () => ({ ok: false, detail: "database file unreadable" }),
    });
    const app = await createApiServer({
      store,
      meta: h.meta,
      logger: createLogger("query-api-test", "silent"),
      metrics: createMetricsRegistry("query-api-test"),
    });
    try {
      const res = await app.inject("/readyz");
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe("unavailable");
      expect(res.json().error.message).toContain("store");
      expect(res.json().checks[0]).toEqual({ name: "store", ok: false, detail: "database file unreadable" });
    } finally {
      await app.close();
    }
  });

  it("counts requests by route template and status", async () => {
    await h.app.inject("/v1/blocks/1");
    await h.app.inject("/v1/blocks/nope");
    const text = (await h.app.inject("/metrics")).body;
    expect(text).toMatch(
      /chainlog_http_requests_total\{[^}]*route="\/v1\/blocks\/:id"[^}]*status="200"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /chainlog_http_requests_total\{[^}]*route="\/v1\/blocks\/:id"[^}]*status="400"[^}]*\} 1/,
    );
    expect(text).toContain("chainlog_http_request_duration_seconds_bucket");
    expect(text).not.toContain("/v1/blocks/nope");
  });

  it("serves the OpenAPI document listing every route, and the Swagger UI", async () => {
    const doc = (await h.app.inject("/docs/json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.paths);
    for (const p of [
      "/v1/blocks/latest",
      "/v1/blocks/{id}",
      "/v1/blocks/{id}/txs",
      "/v1/tx/{hash}",
      "/v1/address/{address}/txs",
      "/v1/address/{address}/token-transfers",
      "/v1/search",
      "/v1/address/{address}",
      "/v1/address/{address}/swaps",
      "/v1/address/{address}/portfolio",
      "/v1/swaps/{txHash}",
      "/v1/tokens/{address}",
      "/v1/tokens/{address}/transfers",
      "/v1/tokens/{address}/prices",
      "/v1/stats/daily",
      "/v1/status",
      "/healthz",
      "/readyz",
      "/metrics",
    ])
      expect(paths).toContain(p);
    const tx = doc.paths["/v1/tx/{hash}"].get;
    expect(tx.parameters[0]).toMatchObject({ name: "hash", in: "path", required: true });
    expect(JSON.stringify(tx.responses["200"])).toContain("transactionIndex");
    expect(JSON.stringify(tx.responses["200"])).toContain("sqrtPriceX96");
    const prices = doc.paths["/v1/tokens/{address}/prices"].get;
    expect(prices.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ["address", "cursor", "from", "limit", "quote", "to"].sort(),
    );
    expect(JSON.stringify(doc.paths["/v1/status"].get.responses["200"])).toContain("consumerLag");
    const ui = await h.app.inject("/docs/");
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain("swagger-ui");
  });

  it("sets security headers and leaves CORS off by default", async () => {
    const res = await h.app.inject({ url: "/v1/blocks/1", headers: { origin: "https://evil.example" } });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    // Helmet's defaults beside our directives, on every response (precomputed once, see security-headers.ts).
    expect(res.headers["content-security-policy"]).toContain("object-src 'none'");
    expect(res.headers["content-security-policy"]).toContain("connect-src 'self'");
    // Plain HTTP, no trusted proxy saying otherwise: no HSTS (it belongs to HTTPS answers only).
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const missing = await h.app.inject({ url: "/v1/nothing-here" });
    expect(missing.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("allows configured CORS origins only", async () => {
    const cors = await openApiHarness({ settings: { corsOrigins: ["https://app.example"] } });
    try {
      const ok = await cors.app.inject({ url: "/healthz", headers: { origin: "https://app.example" } });
      expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example");
      const no = await cors.app.inject({ url: "/healthz", headers: { origin: "https://evil.example" } });
      expect(no.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await cors.close();
    }
  });

  it("answers unknown routes, bad URLs, oversized and non-JSON bodies with the error shape", async () => {
    const unknown = await h.app.inject("/v2/nothing");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("not_found");
    const badUrl = await h.app.inject("/v1/tx/%E0%A4%A");
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error).toBeDefined();
    const big = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ email: "a@b.c", password: "x".repeat(200_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe("body_too_large");
  });
});
