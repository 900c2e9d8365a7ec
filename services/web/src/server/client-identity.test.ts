import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteMetaStore, createSqliteStore } from "@chainlog/embedded";
import type { MetaStore, Store } from "@chainlog/ports";
import { type ApiServer, createApiServer } from "@chainlog/query-api";
import { fromAddress } from "@chainlog/query-api/loopback-client";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebServer, type WebServer } from "./create-web-server.ts";
import { loadStaticFiles } from "./static-files.ts";

/*
 * Browsers reach query-api through the web's proxy. Clients on several loopback addresses (each its own client)
 * talk to the real web server in front of the real query-api, which trusts exactly the web's hop.
 */
const send = (
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) => fromAddress(localAddress).send(url, options);

const connectFrom = (localAddress: string, port: number, bytes: string) =>
  fromAddress(localAddress).raw(port, bytes);

describe("client identity and limits through the web proxy", () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-web-identity-"));
  let store: Store;
  let meta: MetaStore;
  let api: ApiServer;
  let web: WebServer;
  let base = "";
  let webPort = 0;

  beforeAll(async () => {
    store = createSqliteStore({ path: join(dir, "store.db") });
    meta = createSqliteMetaStore({ path: join(dir, "meta.db") });
    await store.migrate();
    await meta.migrate();
    api = await createApiServer({
      store,
      meta,
      logger: createLogger("api-test", "silent"),
      metrics: createMetricsRegistry("api-test"),
      // The web connects from 127.0.0.1: that hop, and only that one, is believed.
      config: { trustProxy: ["127.0.0.1"], passwordCost: 14 },
    });
    await api.listen({ host: "127.0.0.1", port: 0 });
    const apiPort = (api.server.address() as { port: number }).port;
    const dist = join(dir, "dist");
    mkdirSync(dist);
    writeFileSync(join(dist, "index.html"), "<!doctype html><html><body></body></html>");
    web = createWebServer({
      files: await loadStaticFiles(dist),
      queryApiUrl: new URL(`http://127.0.0.1:${apiPort}`),
      logger: createLogger("web-test", "silent"),
      metrics: createMetricsRegistry("web-test"),
      limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500, maxConnectionsPerClient: 12 },
    });
    ({ url: base, port: webPort } = await web.listen(0, "127.0.0.1"));
    const signup = await send("127.0.0.9", `${base}/v1/auth/signup`, {
      method: "POST",
      body: { email: "owner@example.org", password: "the right password" },
    });
    expect(signup.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await web?.close(100);
    await api?.close();
    await store?.close();
    await meta?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (client: string, password: string, headers: Record<string, string> = {}) =>
    send(client, `${base}/v1/auth/login`, {
      method: "POST",
      headers,
      body: { email: "owner@example.org", password },
    }).then((r) => r.status);

  it("one client's failed logins do not throttle another's; a forged X-Forwarded-For changes nothing", async () => {
    const attacker: number[] = [];
    for (let i = 0; i < 25; i++) attacker.push(await login("127.0.0.2", `wrong guess ${i}`));
    expect(attacker.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(attacker.slice(10)).toEqual(Array(15).fill(429));
    expect(await login("127.0.0.3", "the right password")).toBe(200);

    // The web overwrites X-Forwarded-For with the address it saw: rotating it buys nothing.
    const forger: number[] = [];
    for (let i = 0; i < 20; i++)
      forger.push(await login("127.0.0.4", `wrong guess ${i}`, { "x-forwarded-for": `198.51.100.${i}` }));
    expect(forger.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(forger.slice(10)).toEqual(Array(10).fill(429));
    // Nor does naming another client: the owner's own address is not the forger's to spend.
    expect(await login("127.0.0.4", "the right password", { "x-forwarded-for": "127.0.0.3" })).toBe(429);
    expect(await login("127.0.0.3", "the right password")).toBe(200);
  });

  it("cuts slow bodies at the timeout, caps connections per client, and keeps answering others", async () => {
    const slow: Socket[] = [];
    const closed: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 12; i++) {
      const s = await connectFrom(
        "127.0.0.5",
        webPort,
        `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"em`,
      );
      s.resume();
      s.on("error", () => undefined);
      s.on("close", () => closed.push(Date.now() - started));
      slow.push(s);
    }
    // The 13th connection of that client is refused at once.
    const extra = await connectFrom("127.0.0.5", webPort, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const refused = await new Promise<string>((resolve) => {
      let text = "";
      extra.on("data", (d) => {
        text += d;
      });
      extra.on("close", () => resolve(text));
    });
    expect(refused).toMatch(/^HTTP\/1\.1 429/);
    // Others are served meanwhile, proxied routes included.
    expect((await send("127.0.0.6", `${base}/healthz`)).status).toBe(200);
    expect((await send("127.0.0.6", `${base}/v1/blocks/latest`)).status).toBe(404);
    await expect.poll(() => closed.length, { timeout: 15_000, interval: 100 }).toBe(12);
    expect(Math.max(...closed)).toBeLessThan(8000);
    // After its slow requests were cut, the same client is served again.
    expect((await send("127.0.0.5", `${base}/healthz`)).status).toBe(200);
  });
});
