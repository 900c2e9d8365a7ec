import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { freePort } from "@chainlog/devnet";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebServer, type WebServer } from "./create-web-server.ts";
import { loadStaticFiles } from "./static-files.ts";

interface Raw {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Raw>((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

describe("web server", () => {
  const dist = mkdtempSync(join(tmpdir(), "chainlog-web-dist-"));
  const seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  let upstreamHealthy = true;
  const upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === "/healthz") {
        res.writeHead(upstreamHealthy ? 200 : 503).end();
      } else if (req.url === "/v1/stream") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
        res.write("event: block\ndata: 1\n\n");
        // The second event only comes later: the first must reach the client without it.
        const timer = setTimeout(() => res.end("event: block\ndata: 2\n\n"), 2000);
        res.on("close", () => clearTimeout(timer));
      } else {
        res.writeHead(req.url?.startsWith("/v1/missing") ? 404 : 200, {
          "content-type": "application/json",
          "set-cookie": "session=abc; HttpOnly; SameSite=Lax; Path=/",
          connection: "keep-alive",
        });
        res.end(JSON.stringify({ echo: req.url }));
      }
    });
  });
  let web: WebServer;
  let base: string;
  let metricsBase: string;
  let upstreamPort: number;

  beforeAll(async () => {
    mkdirSync(join(dist, "assets"));
    writeFileSync(
      join(dist, "index.html"),
      `<!doctype html><html><body><div id="root"></div>${" ".repeat(600)}</body></html>`,
    );
    writeFileSync(
      join(dist, "assets", "index-abc123.js"),
      `console.log(${JSON.stringify("x".repeat(2000))});`,
    );
    writeFileSync(join(dist, "favicon.svg"), "<svg/>");
    upstreamPort = await listen(upstream);
    web = createWebServer({
      files: await loadStaticFiles(dist),
      queryApiUrl: new URL(`http://127.0.0.1:${upstreamPort}`),
      logger: createLogger("web-test", "silent"),
      metrics: createMetricsRegistry("web-test"),
    });
    base = (await web.listen(0, "127.0.0.1")).url;
    metricsBase = (await web.listenMetrics(0, "127.0.0.1")).url;
  });

  afterAll(async () => {
    await web?.close(100);
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
    rmSync(dist, { recursive: true, force: true });
  });

  it("serves hashed assets as immutable and the page as revalidated, under a strict CSP", async () => {
    const asset = await send(`${base}/assets/index-abc123.js`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(asset.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(asset.body).toString()).toContain("console.log");
    const page = await send(`${base}/`);
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.body.toString()).toContain('<div id="root">');
    const csp = page.headers["content-security-policy"];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("answers 304 to a matching ETag and prefers brotli", async () => {
    const first = await send(`${base}/assets/index-abc123.js`, {
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(first.headers["content-encoding"]).toBe("br");
    const again = await send(`${base}/assets/index-abc123.js`, {
      headers: { "if-none-match": String(first.headers.etag) },
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("serves the app for client-side routes, 404 for missing files, 405 for writes", async () => {
    const route = await send(`${base}/block/12`);
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('<div id="root">');
    const missing = await send(`${base}/assets/nope-123.js`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString()).error.code).toBe("not_found");
    const post = await send(`${base}/`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("proxies /v1 with method, body and cookies, and without hop-by-hop headers", async () => {
    const res = await send(`${base}/v1/auth/login?x=1`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: "session=old",
        connection: "keep-alive, x-drop",
        "x-drop": "1",
      },
      body: JSON.stringify({ email: "a@b.c" }),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ echo: "/v1/auth/login?x=1" });
    expect(res.headers["set-cookie"]).toEqual(["session=abc; HttpOnly; SameSite=Lax; Path=/"]);
    const upstreamSaw = seen.find((s) => s.url === "/v1/auth/login?x=1")!;
    expect(upstreamSaw.method).toBe("POST");
    expect(upstreamSaw.body).toBe('{"email":"a@b.c"}');
    expect(upstreamSaw.headers.cookie).toBe("session=old");
    expect(upstreamSaw.headers["x-drop"]).toBeUndefined();
    expect(upstreamSaw.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(upstreamSaw.headers["x-forwarded-proto"]).toBe("http");
    expect(upstreamSaw.headers.host).toBe(`127.0.0.1:${upstreamPort}`);
    const notFound = await send(`${base}/v1/missing`);
    expect(notFound.status).toBe(404);
  });

  it("overwrites forwarding headers with what it saw: a client cannot choose its address or scheme", async () => {
    await send(`${base}/v1/forged`, {
      headers: {
        "x-forwarded-for": "203.0.113.7, 198.51.100.1",
        "x-forwarded-proto": "https",
        "x-real-ip": "203.0.113.8",
        forwarded: "for=203.0.113.9",
      },
    });
    const upstreamSaw = seen.find((s) => s.url === "/v1/forged")!;
    expect(upstreamSaw.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(upstreamSaw.headers["x-forwarded-proto"]).toBe("http");
    expect(upstreamSaw.headers["x-real-ip"]).toBeUndefined();
    expect(upstreamSaw.headers.forwarded).toBeUndefined();
  });

  it("serves /metrics only on its own port, never on the public one", async () => {
    const onPublic = await send(`${base}/metrics`);
    expect(onPublic.status).toBe(200);
    expect(onPublic.headers["content-type"]).toContain("text/html");
    expect(onPublic.body.toString()).not.toContain("chainlog_web_http_requests_total");
    const own = await send(`${metricsBase}/metrics`);
    expect(own.status).toBe(200);
    expect(own.body.toString()).toContain("chainlog_web_http_requests_total");
    expect((await send(`${metricsBase}/v1/blocks/latest`)).status).toBe(404);
  });

  it("streams server-sent events through as they are written", async () => {
    const started = Date.now();
    const first = await new Promise<{ text: string; ms: number }>((resolve, reject) => {
      const req = request(`${base}/v1/stream`, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        res.once("data", (chunk: Buffer) => {
          resolve({ text: chunk.toString(), ms: Date.now() - started });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.end();
    });
    expect(first.text).toContain("data: 1");
    expect(first.ms).toBeLessThan(1500);
  });

  it("reports readiness from query-api and 502s when query-api is down", async () => {
    expect((await send(`${base}/healthz`)).status).toBe(200);
    expect((await send(`${base}/readyz`)).status).toBe(200);
    upstreamHealthy = false;
    const notReady = await send(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    const body = JSON.parse(notReady.body.toString());
    expect(body.status).toBe("unready");
    expect(body.checks).toEqual([{ name: "query-api", ok: false, detail: expect.stringContaining("503") }]);
    upstreamHealthy = true;

    const deadPort = await freePort();
    const orphan = createWebServer({
      files: await loadStaticFiles(dist),
      queryApiUrl: new URL(`http://127.0.0.1:${deadPort}`),
      logger: createLogger("web-test", "silent"),
      metrics: createMetricsRegistry("web-test"),
      readyTimeoutMs: 500,
    });
    const { url } = await orphan.listen(0, "127.0.0.1");
    const orphanMetrics = (await orphan.listenMetrics(0, "127.0.0.1")).url;
    try {
      const res = await send(`${url}/v1/blocks/latest`);
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body.toString()).error.code).toBe("upstream_unavailable");
      expect((await send(`${url}/readyz`)).status).toBe(503);
      const metrics = (await send(`${orphanMetrics}/metrics`)).body.toString();
      expect(metrics).toMatch(/chainlog_web_proxy_errors_total\{[^}]*\} 1/);
    } finally {
      await orphan.close(100);
    }
  });

  it("counts requests in /metrics", async () => {
    const metrics = (await send(`${metricsBase}/metrics`)).body.toString();
    expect(metrics).toMatch(/chainlog_web_http_requests_total\{[^}]*route="static"[^}]*\} \d+/);
    expect(metrics).toMatch(/chainlog_web_http_requests_total\{[^}]*route="proxy"[^}]*\} \d+/);
  });
});
