import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, openApiHarness, signUpUser } from "../test-support/api-harness.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness();
});
afterAll(async () => h?.close());

// biome-ignore lint/suspicious/noExplicitAny: response bodies are probed field by field in assertions
type Json = Record<string, any>;
interface Agent {
  cookie: string;
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Json }>;
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await h.app.inject({
    method: method as "GET",
    url,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { payload: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: (res.body ? res.json() : {}) as Json, headers: res.headers as Json };
}

let counter = 0;
async function signUp(): Promise<Agent & { email: string }> {
  const email = `user${++counter}-${Date.now()}@example.com`;
  const res = await call("POST", "/v1/auth/signup", { email, password: "correct horse battery" });
  expect(res.status).toBe(201);
  const setCookie = String(res.headers["set-cookie"]);
  const cookie = setCookie.split(";")[0]!;
  return {
    email,
    cookie,
    call: (method, url, body, headers = {}) => call(method, url, body, { cookie, ...headers }),
  };
}

describe("sign-up, login, logout", () => {
  it("sets an httpOnly SameSite=Lax session cookie and stores only a scrypt hash", async () => {
    const email = "Alice@Example.com";
    const res = await call("POST", "/v1/auth/signup", { email, password: "s3cret-password" });
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(email);
    expect(res.body.user.passwordHash).toBeUndefined();
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^chainlog_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const stored = await h.meta.getUserByEmail(email);
    expect(stored?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain("s3cret");

    const dup = await call("POST", "/v1/auth/signup", {
      email: "alice@example.com",
      password: "another-password",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.parameter).toBe("body.email");
  });

  it("logs in, answers /me, and logs out for good", async () => {
    const a = await signUp();
    const bad = await call("POST", "/v1/auth/login", { email: a.email, password: "wrong password" });
    expect(bad.status).toBe(401);
    const unknown = await call("POST", "/v1/auth/login", {
      email: "nobody@example.com",
      password: "whatever1",
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(bad.body.error.message);

    const login = await call("POST", "/v1/auth/login", {
      email: a.email.toUpperCase(),
      password: "correct horse battery",
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    expect((await call("GET", "/v1/auth/me", undefined, { cookie })).body.user.email).toBe(a.email);
    expect((await call("POST", "/v1/auth/logout", undefined, { cookie })).status).toBe(204);
    expect((await call("GET", "/v1/auth/me", undefined, { cookie })).status).toBe(401);
    expect((await a.call("GET", "/v1/auth/me")).status).toBe(200);
  });

  it("names the bad field", async () => {
    const cases: [unknown, string][] = [
      [{ email: "not-an-email", password: "long enough" }, "body.email"],
      [{ email: "a@b.co", password: "short" }, "body.password"],
      [{ email: "a@b.co" }, "body.password"],
      [{ email: "a@b.co", password: "long enough", admin: true }, "body.admin"],
      [{ email: { $gt: "" }, password: "long enough" }, "body.email.$gt"],
      [{ email: "a@b.co", password: { $ne: null } }, "body.password.$ne"],
      [[1, 2], "body"],
    ];
    for (const [body, parameter] of cases) {
      const res = await call("POST", "/v1/auth/login", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.parameter, JSON.stringify(body)).toBe(parameter);
    }
    expect((await call("POST", "/v1/auth/login", "{not json")).status).toBe(400);
    const text = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      headers: { "content-type": "text/plain" },
      payload: "x",
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe("unsupported_media_type");
  });
});

describe("API keys", () => {
  it("shows a key once, stores it hashed, and a revoked key stops at once", async () => {
    const a = await signUp();
    const created = await a.call("POST", "/v1/keys", { name: "ci", scopes: ["read", "account"] });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^clk_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(created.body.apiKey)).not.toContain(key);
    const listed = await a.call("GET", "/v1/keys");
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(12));
    expect(listed.body.items[0]).toMatchObject({ name: "ci", prefix: key.slice(0, 12), revokedAt: null });

    const auth = { authorization: `Bearer ${key}` };
    expect((await call("GET", "/v1/auth/me", undefined, auth)).status).toBe(200);
    expect((await call("GET", "/v1/blocks/latest", undefined, { "x-api-key": key })).status).toBe(404);
    expect((await a.call("DELETE", `/v1/keys/${created.body.apiKey.id}`)).status).toBe(204);
    const after = await call("GET", "/v1/auth/me", undefined, auth);
    expect(after.status).toBe(401);
    expect((await call("GET", "/v1/blocks/latest", undefined, auth)).status).toBe(401);
    expect((await a.call("GET", "/v1/keys")).body.items[0].revokedAt).toBeTypeOf("number");
  });

  it("enforces scopes and refuses keys that escalate", async () => {
    const a = await signUp();
    const readOnly = (await a.call("POST", "/v1/keys", { name: "ro", scopes: ["read"] })).body.key as string;
    const res = await call("GET", "/v1/watchlists", undefined, { authorization: `Bearer ${readOnly}` });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    const acct = (await a.call("POST", "/v1/keys", { name: "acct", scopes: ["account"] })).body.key as string;
    const escalate = await call(
      "POST",
      "/v1/keys",
      { name: "x", scopes: ["export"] },
      { authorization: `Bearer ${acct}` },
    );
    expect(escalate.status).toBe(403);
    const streamOnly = (await a.call("POST", "/v1/keys", { name: "s", scopes: ["stream"] })).body
      .key as string;
    expect(
      (await call("GET", "/v1/blocks/1", undefined, { authorization: `Bearer ${streamOnly}` })).status,
    ).toBe(403);
  });

  it("answers 401 for garbage credentials instead of treating them as anonymous", async () => {
    for (const headers of <Record<string, string>[]>[
      { authorization: "Bearer clk_nope" },
      { authorization: `Bearer clk_${"A".repeat(43)}` },
      { authorization: "Basic abc" },
      { "x-api-key": '{"$gt":""}' },
    ]) {
      const res = await call("GET", "/v1/blocks/latest", undefined, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.code).toBe("unauthenticated");
    }
  });
});

describe("ownership", () => {
  it("user B cannot read, change or delete user A's watchlists, keys or jobs", async () => {
    const a = await signUp();
    const b = await signUp();
    const w = await a.call("POST", "/v1/watchlists", { name: "whales", addresses: [`0x${"AB".repeat(20)}`] });
    expect(w.status).toBe(201);
    expect(w.body.addresses).toEqual([`0x${"ab".repeat(20)}`]);
    const job = await a.call("POST", "/v1/jobs", {
      kind: "export_address_txs",
      params: { address: `0x${"ab".repeat(20)}` },
    });
    expect(job.status).toBe(201);
    expect(job.body).toMatchObject({ status: "queued", params: { format: "csv" } });
    const key = await a.call("POST", "/v1/keys", { name: "k", scopes: ["read"] });

    expect((await b.call("GET", "/v1/watchlists")).body.items).toEqual([]);
    expect((await b.call("GET", `/v1/watchlists/${w.body.id}`)).status).toBe(404);
    expect((await b.call("PATCH", `/v1/watchlists/${w.body.id}`, { name: "mine" })).status).toBe(404);
    expect((await b.call("DELETE", `/v1/watchlists/${w.body.id}`)).status).toBe(404);
    expect((await b.call("GET", "/v1/jobs")).body.items).toEqual([]);
    expect((await b.call("GET", `/v1/jobs/${job.body.id}`)).status).toBe(404);
    expect((await b.call("POST", `/v1/jobs/${job.body.id}/cancel`)).status).toBe(404);
    expect((await b.call("GET", `/v1/jobs/${job.body.id}/result`)).status).toBe(404);
    expect((await b.call("GET", "/v1/keys")).body.items).toEqual([]);
    expect((await b.call("DELETE", `/v1/keys/${key.body.apiKey.id}`)).status).toBe(404);

    // A's things are untouched.
    expect((await a.call("GET", `/v1/watchlists/${w.body.id}`)).body.name).toBe("whales");
    expect((await a.call("GET", `/v1/jobs/${job.body.id}`)).body.status).toBe("queued");
    expect(
      (await call("GET", "/v1/blocks/1", undefined, { authorization: `Bearer ${key.body.key}` })).status,
    ).toBe(404);

    const patched = await a.call("PATCH", `/v1/watchlists/${w.body.id}`, { addresses: [] });
    expect(patched.body.addresses).toEqual([]);
    expect((await a.call("POST", `/v1/jobs/${job.body.id}/cancel`)).body.status).toBe("cancelled");
    expect((await a.call("DELETE", `/v1/watchlists/${w.body.id}`)).status).toBe(204);
  });

  it.each(["/v1/watchlists", "/v1/jobs", "/v1/keys", "/v1/auth/me"])(
    "requires a session or key for the per-user route GET %s",
    async (url) => {
      expect((await call("GET", url)).status).toBe(401);
    },
  );

  it("rejects operator injection in any field", async () => {
    const a = await signUp();
    const bodies: [string, string, unknown][] = [
      ["POST", "/v1/watchlists", { name: { $gt: "" }, addresses: [] }],
      ["POST", "/v1/watchlists", { name: "x", addresses: [{ $gt: "" }] }],
      ["POST", "/v1/watchlists", { name: "x", addresses: [], $where: "1" }],
      ["POST", "/v1/jobs", { kind: "export_address_txs", params: { address: { $ne: null } } }],
      ["POST", "/v1/jobs", { kind: { $in: ["a"] }, params: {} }],
      ["POST", "/v1/keys", { name: "n", scopes: { $gt: "" } }],
      ["PATCH", "/v1/watchlists/abc", { "name.$": "x" }],
    ];
    for (const [method, url, body] of bodies) {
      const res = await a.call(method, url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_parameter");
    }
    const q = await a.call("GET", "/v1/watchlists?name[$gt]=");
    expect(q.status).toBe(400);
  });
});

describe("rate limits", () => {
  it("throttles password guessing per IP", async () => {
    const limited = await openApiHarness({ settings: { authRateLimit: { perSecond: 0.01, burst: 3 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (
            await limited.app.inject({
              method: "POST",
              url: "/v1/auth/login",
              payload: { email: "victim@example.com", password: `guess-number-${i}` },
            })
          ).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it("answers 429 with Retry-After per IP and per key", async () => {
    const limited = await openApiHarness({
      settings: { ipRateLimit: { perSecond: 1, burst: 3 }, keyRateLimit: { perSecond: 1, burst: 5 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.app.inject("/v1/blocks/latest")).statusCode);
      expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
      const res = await limited.app.inject("/v1/blocks/latest");
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(res.json().error.code).toBe("rate_limited");
      // Another client IP has its own bucket; every route and unknown path draws on the same one.
      expect(
        (await limited.app.inject({ url: "/v1/blocks/latest", remoteAddress: "10.0.0.2" })).statusCode,
      ).toBe(404);
      expect((await limited.app.inject("/healthz")).statusCode).toBe(429);
      expect((await limited.app.inject("/v1/no-such-route")).statusCode).toBe(429);

      // Key requests use the key's bucket, not the exhausted IP bucket.
      const { key } = await signUpUser(limited.app, "limits@example.com", {
        remoteAddress: "10.0.0.3",
        key: { name: "k", scopes: ["read"] },
      });
      const keyed: number[] = [];
      for (let i = 0; i < 7; i++)
        keyed.push(
          (
            await limited.app.inject({
              url: "/v1/blocks/latest",
              headers: { authorization: `Bearer ${key}` },
            })
          ).statusCode,
        );
      expect(keyed).toEqual([404, 404, 404, 404, 404, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
