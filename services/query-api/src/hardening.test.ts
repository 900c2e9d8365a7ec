import type { Socket } from "node:net";
import { createLogger, createMetricsRegistry } from "@chainlog/telemetry";
import { afterEach, describe, expect, it } from "vitest";
import { createExportWorker } from "./jobs/export-worker.ts";
import { createApiServer } from "./server.ts";
import type { ApiSettings } from "./settings.ts";
import { ALICE, openApiHarness, sampleChain } from "./test-support/api-harness.ts";
import { fromAddress } from "./test-support/loopback-client.ts";

/*
 * The public surface as a prober sees it: real sockets from several loopback source addresses (each its own
 * client), the real embedded stores, every request form.
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function serve(
  settings: Partial<ApiSettings> = {},
  options: { blocks?: boolean; withBus?: boolean } = {},
) {
  const h = await openApiHarness({
    settings,
    ...(options.blocks ? { blocks: sampleChain(12) } : {}),
    ...(options.withBus ? { withBus: true } : {}),
  });
  open.push(h);
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  const port = (h.app.server.address() as { port: number }).port;
  return { h, port, base: `http://127.0.0.1:${port}` };
}

async function signupWithKey(base: string, email: string, scopes: string[]) {
  const c = fromAddress("127.0.0.1");
  const signup = await c.send(`${base}/v1/auth/signup`, {
    method: "POST",
    body: { email, password: "a long enough password" },
  });
  expect(signup.status).toBe(201);
  const cookie = String(signup.headers["set-cookie"]).split(";")[0]!;
  const key = await c.send(`${base}/v1/keys`, {
    method: "POST",
    headers: { cookie },
    body: { name: "k", scopes },
  });
  return { cookie, key: key.json.key as string, userId: signup.json.user.id as string };
}

const absoluteForm = (port: number, path: string, headers = "") =>
  `GET http://127.0.0.1:${port}${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}Connection: close\r\n\r\n`;

describe("identity and limits for every request, whatever its form", () => {
  it("absolute-form and origin-form requests share one bucket; a bogus key is 401 in either form", async () => {
    const { port, base } = await serve({ ipRateLimit: { perSecond: 0.001, burst: 10 } });
    const a = fromAddress("127.0.0.2");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await a.send(`${base}/v1/blocks/latest`)).status);
      statuses.push((await a.rawExchange(port, absoluteForm(port, "/v1/blocks/latest"))).status);
    }
    expect(statuses).toEqual(Array(10).fill(404));
    const absolute = await a.rawExchange(port, absoluteForm(port, "/v1/blocks/latest"));
    expect(absolute.status).toBe(429);
    expect(absolute.text).toContain('"rate_limited"');
    expect(absolute.text.toLowerCase()).toContain("ratelimit-limit: 10");
    expect((await a.send(`${base}/v1/blocks/latest`)).status).toBe(429);
    // Another client has a bucket of its own.
    expect((await fromAddress("127.0.0.3").send(`${base}/v1/blocks/latest`)).status).toBe(404);

    const bogus = `Authorization: Bearer clk_${"x".repeat(43)}\r\n`;
    const b = fromAddress("127.0.0.4");
    expect((await b.rawExchange(port, absoluteForm(port, "/v1/blocks/latest", bogus))).status).toBe(401);
    expect((await b.rawExchange(port, absoluteForm(port, "/healthz", bogus))).status).toBe(401);
    expect((await b.rawExchange(port, absoluteForm(port, "/no/such/route", bogus))).status).toBe(401);
  });

  it("authenticates before reading the body: anonymous writes are 401 whatever they send, a key without the scope 403", async () => {
    const { base } = await serve();
    const c = fromAddress("127.0.0.2");
    for (const [method, path] of [
      ["POST", "/v1/keys"],
      ["POST", "/v1/watchlists"],
      ["POST", "/v1/jobs"],
      ["PATCH", "/v1/watchlists/x"],
    ] as const) {
      for (const body of [{}, { nonsense: ["$gt"] }, "not an object"]) {
        const res = await c.send(`${base}${path}`, { method, body });
        expect([path, res.status, res.json.error.code]).toEqual([path, 401, "unauthenticated"]);
      }
    }
    const { key } = await signupWithKey(base, "scopes@example.org", ["read"]);
    const res = await c.send(`${base}/v1/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: {},
    });
    expect([res.status, res.json.error.code]).toEqual([403, "forbidden"]);
  });

  it("answers 405 with Allow for an undeclared method on a known path", async () => {
    const { base } = await serve();
    const c = fromAddress("127.0.0.2");
    const put = await c.send(`${base}/v1/blocks/latest`, { method: "PUT", body: {} });
    expect([put.status, put.headers.allow, put.json.error.code]).toEqual([
      405,
      "GET, HEAD",
      "method_not_allowed",
    ]);
    const query = await c.send(`${base}/v1/blocks/latest`, { method: "QUERY", body: {} });
    expect([query.status, query.headers.allow]).toEqual([405, "GET, HEAD"]);
    const del = await c.send(`${base}/v1/keys`, { method: "DELETE" });
    expect([del.status, del.headers.allow]).toEqual([405, "GET, HEAD, POST"]);
    const options = await c.send(`${base}/v1/jobs/abc`, { method: "OPTIONS" });
    expect([options.status, options.headers.allow]).toEqual([405, "DELETE, GET, HEAD"]);
    expect((await c.send(`${base}/v1/nothing`, { method: "PUT" })).status).toBe(404);
  });

  it("answers Node-level rejections (400, 413, 414, 431) in the documented error shape", async () => {
    const { port, base } = await serve({ bodyLimit: 2048 });
    const c = fromAddress("127.0.0.2");
    const huge = await c.rawExchange(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(huge.status).toBe(431);
    expect(huge.text).toContain('{"error":{"code":"headers_too_large"');
    const malformed = await c.rawExchange(port, "GET /healthz HTTP/9.9 nonsense\r\n\r\n");
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('{"error":{"code":"malformed_request"');
    const long = await c.send(`${base}/v1/tx/0x${"a".repeat(300)}`);
    expect([long.status, long.json.error.code]).toEqual([414, "uri_too_long"]);
    const big = await c.send(`${base}/v1/auth/login`, {
      method: "POST",
      body: { email: "a@b.co", password: "x".repeat(4000) },
    });
    expect([big.status, big.json.error.code]).toEqual([413, "body_too_large"]);
  });
});

describe("client identity through a proxy", () => {
  it("one client's failed logins never throttle another's; a forged X-Forwarded-For changes nothing", async () => {
    // 127.0.0.1 plays the web proxy: the only hop whose X-Forwarded-For is believed.
    const { base } = await serve({
      trustProxy: ["127.0.0.1"],
      loginRateLimit: { perSecond: 5 / 60, burst: 10 },
      authRateLimit: { perSecond: 0.2, burst: 20 },
    });
    const login = (client: string, password: string, headers: Record<string, string> = {}) =>
      fromAddress(client).send(`${base}/v1/auth/login`, {
        method: "POST",
        headers,
        body: { email: "victim@example.org", password },
      });
    await fromAddress("127.0.0.9").send(`${base}/v1/auth/signup`, {
      method: "POST",
      body: { email: "victim@example.org", password: "the right password" },
    });

    const attacker: number[] = [];
    for (let i = 0; i < 25; i++) attacker.push((await login("127.0.0.2", `wrong guess ${i}`)).status);
    expect(attacker.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(attacker.slice(10)).toEqual(Array(15).fill(429));
    // The owner, from another address, still gets in.
    expect((await login("127.0.0.3", "the right password")).status).toBe(200);

    // Rotating X-Forwarded-For straight at the API: not a trusted hop, so each forged value is ignored.
    const forger: number[] = [];
    for (let i = 0; i < 20; i++)
      forger.push(
        (await login("127.0.0.4", `wrong guess ${i}`, { "x-forwarded-for": `198.51.100.${i}` })).status,
      );
    expect(forger.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(forger.slice(10)).toEqual(Array(10).fill(429));

    // Through the trusted hop, the entry it wrote is the client: the attacker stays throttled, others are not.
    expect((await login("127.0.0.1", "the right password", { "x-forwarded-for": "127.0.0.2" })).status).toBe(
      429,
    );
    expect((await login("127.0.0.1", "the right password", { "x-forwarded-for": "127.0.0.5" })).status).toBe(
      200,
    );
  });

  it("sends HSTS and a Secure cookie only when the client came over HTTPS (per a trusted hop)", async () => {
    const { base } = await serve({ trustProxy: ["127.0.0.1"] });
    const viaProxy = await fromAddress("127.0.0.1").send(`${base}/v1/auth/signup`, {
      method: "POST",
      headers: { "x-forwarded-proto": "https", "x-forwarded-for": "127.0.0.6" },
      body: { email: "tls@example.org", password: "a long enough password" },
    });
    expect(viaProxy.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
    expect(String(viaProxy.headers["set-cookie"])).toMatch(/; Secure/);
    const forged = await fromAddress("127.0.0.2").send(`${base}/v1/auth/signup`, {
      method: "POST",
      headers: { "x-forwarded-proto": "https" },
      body: { email: "plain@example.org", password: "a long enough password" },
    });
    expect(forged.headers["strict-transport-security"]).toBeUndefined();
    expect(String(forged.headers["set-cookie"])).not.toMatch(/Secure/);
  });
});

describe("per-user quotas", () => {
  it("export jobs: racing POSTs keep exactly the quota, refusals say the limit, results fit, expire and delete", async () => {
    const { h, base } = await serve(
      {
        quotas: {
          jobsActive: 3,
          jobsStored: 5,
          resultBytes: 50_000_000,
          watchlists: 20,
          watchlistAddresses: 2000,
        },
      },
      { blocks: true },
    );
    const { key, userId } = await signupWithKey(base, "jobs@example.org", ["export"]);
    const c = fromAddress("127.0.0.2");
    const post = () =>
      c.send(`${base}/v1/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        body: { kind: "export_address_txs", params: { address: ALICE, format: "json" } },
      });
    const answers = await Promise.all(Array.from({ length: 300 }, post));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(297);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.json.error.code).toBe("quota_exceeded");
    expect(refused.headers).toMatchObject({ "x-quota-name": "jobs_active", "x-quota-limit": "3" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(await h.meta.listJobs(userId)).toHaveLength(3);

    const logger = createLogger("export-test", "silent");
    await createExportWorker({ store: h.store, meta: h.meta, logger }).drain();
    const one = (await h.meta.getJobUsage(userId)).resultBytes / 3;
    expect(one).toBeGreaterThan(1000);
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const sixth = await post();
    expect([sixth.status, sixth.headers["x-quota-name"], sixth.headers["x-quota-limit"]]).toEqual([
      403,
      "jobs_stored",
      "5",
    ]);

    // A result that does not fit the user's storage fails its job and stores nothing.
    const before = (await h.meta.getJobUsage(userId)).resultBytes;
    await createExportWorker({
      store: h.store,
      meta: h.meta,
      logger,
      maxResultBytesPerUser: before + one / 2,
    }).drain();
    const jobs = await h.meta.listJobs(userId);
    expect(jobs.filter((j) => j.status === "failed").map((j) => j.error)).toEqual([
      expect.stringContaining("does not fit your export storage"),
      expect.stringContaining("does not fit your export storage"),
    ]);
    expect((await h.meta.getJobUsage(userId)).resultBytes).toBe(before);

    const done = jobs.find((j) => j.status === "done")!;
    const listed = await c.send(`${base}/v1/jobs/${done.id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(listed.json.expiresAt).toBe(done.updatedAt + 7 * 24 * 3600 * 1000);
    const deleted = await c.send(`${base}/v1/jobs/${done.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(deleted.status).toBe(204);
    expect(
      (await c.send(`${base}/v1/jobs/${done.id}/result`, { headers: { authorization: `Bearer ${key}` } }))
        .status,
    ).toBe(404);
    expect((await h.meta.getJobUsage(userId)).resultBytes).toBe(before - one);

    // Expiry: finished jobs older than the TTL go with their results.
    await createExportWorker({ store: h.store, meta: h.meta, logger, resultTtlMs: 0 }).drain();
    expect(await h.meta.getJobUsage(userId)).toEqual({ active: 0, stored: 0, resultBytes: 0 });
    const quotas = await c.send(`${base}/v1/quotas`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(quotas.status).toBe(403); // an export-only key cannot read account data
  });

  it("watchlists: lists and addresses per user, with the limit in the answer", async () => {
    const { base } = await serve({
      quotas: { jobsActive: 3, jobsStored: 50, resultBytes: 1_000_000, watchlists: 2, watchlistAddresses: 3 },
    });
    const { cookie } = await signupWithKey(base, "lists@example.org", ["read"]);
    const c = fromAddress("127.0.0.2");
    const create = (addresses: string[]) =>
      c.send(`${base}/v1/watchlists`, {
        method: "POST",
        headers: { cookie },
        body: { name: "w", addresses },
      });
    const a = (n: number) => `0x${String(n).padStart(40, "0")}`;
    expect((await create([a(1), a(2)])).status).toBe(201);
    const tooMany = await create([a(3), a(4)]);
    expect([tooMany.status, tooMany.headers["x-quota-name"], tooMany.headers["x-quota-limit"]]).toEqual([
      403,
      "watchlist_addresses",
      "3",
    ]);
    expect((await create([a(3)])).status).toBe(201);
    const third = await create([]);
    expect([third.status, third.headers["x-quota-name"], third.json.error.code]).toEqual([
      403,
      "watchlists",
      "quota_exceeded",
    ]);
    const quotas = await c.send(`${base}/v1/quotas`, { headers: { cookie } });
    expect(quotas.json).toMatchObject({
      watchlists: { limit: 2, used: 2 },
      watchlistAddresses: { limit: 3, used: 3 },
    });
  });

  it("live streams: one client cannot hold every slot", async () => {
    const { base } = await serve({ streamsPerClient: 3 }, { withBus: true });
    const held: { destroy(): void }[] = [];
    const openStream = (client: string) =>
      new Promise<number>((resolve, reject) => {
        import("node:http").then(({ request }) => {
          const req = request(
            `${base}/v1/stream`,
            { localAddress: client, agent: false, headers: { accept: "text/event-stream" } },
            (res) => {
              held.push(req);
              resolve(res.statusCode ?? 0);
              if (res.statusCode !== 200) res.resume();
            },
          );
          req.on("error", reject);
          req.end();
        }, reject);
      });
    try {
      for (let i = 0; i < 3; i++) expect(await openStream("127.0.0.2")).toBe(200);
      expect(await openStream("127.0.0.2")).toBe(429);
      expect(await openStream("127.0.0.3")).toBe(200);
    } finally {
      for (const r of held) r.destroy();
    }
  });
});

describe("timeouts and connections", () => {
  it("cuts slow bodies and slow headers at the timeout, caps connections per client, and keeps answering", async () => {
    const { port, base } = await serve({
      timeouts: { headersMs: 1000, requestMs: 1500, idleMs: 10_000, handlerMs: 10_000 },
      maxConnectionsPerClient: 20,
    });
    const slow = fromAddress("127.0.0.2");
    const sockets: Socket[] = [];
    const closedAt: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const s = await slow.raw(
        port,
        `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
      );
      sockets.push(s);
    }
    for (let i = 0; i < 5; i++)
      sockets.push(await slow.raw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    for (const s of sockets) {
      s.resume();
      s.on("error", () => undefined);
      s.on("close", () => closedAt.push(Date.now() - started));
    }
    // Meanwhile another client is served at once.
    const other = fromAddress("127.0.0.3");
    const t0 = Date.now();
    expect((await other.send(`${base}/healthz`)).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);

    // Past its cap, a client's next connection is refused with 429; others still connect.
    const greedy = fromAddress("127.0.0.4");
    const extra: Socket[] = [];
    for (let i = 0; i < 20; i++) extra.push(await greedy.raw(port, ""));
    const refused = await greedy.rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("too_many_connections");
    for (const s of extra) s.destroy();

    await expect.poll(() => closedAt.length, { timeout: 15_000, interval: 100 }).toBe(sockets.length);
    // Cut at the timeout (1–1.5 s, checked every second), not held open.
    expect(Math.max(...closedAt)).toBeLessThan(8000);
    expect((await other.send(`${base}/healthz`)).status).toBe(200);
    expect((await fromAddress("127.0.0.4").send(`${base}/healthz`)).status).toBe(200);
  });
});

describe("passwords", () => {
  it("hashes at scrypt N=2^17 by default and re-hashes a weaker stored hash at the next login", async () => {
    // The harness hashes at 2^14 (fast suites): that is the "old" hash here.
    const { h, base } = await serve();
    await fromAddress("127.0.0.2").send(`${base}/v1/auth/signup`, {
      method: "POST",
      body: { email: "rehash@example.org", password: "a long enough password" },
    });
    expect((await h.meta.getUserByEmail("rehash@example.org"))?.passwordHash).toMatch(
      /^scrypt\$16384\$8\$1\$/,
    );
    const strong = await createApiServer({
      store: h.store,
      meta: h.meta,
      logger: createLogger("query-api-test", "silent"),
      metrics: createMetricsRegistry("query-api-test-2"),
    });
    try {
      const login = () =>
        strong.inject({
          method: "POST",
          url: "/v1/auth/login",
          payload: { email: "rehash@example.org", password: "a long enough password" },
        });
      expect((await login()).statusCode).toBe(200);
      expect((await h.meta.getUserByEmail("rehash@example.org"))?.passwordHash).toMatch(
        /^scrypt\$131072\$8\$1\$/,
      );
      expect((await login()).statusCode).toBe(200);
      const wrong = await strong.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { email: "rehash@example.org", password: "not the password" },
      });
      expect(wrong.statusCode).toBe(401);
    } finally {
      await strong.close();
    }
  });
});
