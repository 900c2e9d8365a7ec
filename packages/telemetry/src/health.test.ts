import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type HealthCheckResult, Readiness } from "@chainlog/tx-schema";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthCheck, runHealthChecks, startHealthServer } from "./health.ts";
import { Counter, createMetricsRegistry } from "./metrics.ts";

describe("runHealthChecks", () => {
  it("reports every dependency: ok, failing with its detail, hanging past the bound, throwing", async () => {
    const checks: HealthCheck[] = [
      { name: "store", check: async () => ({ ok: true }) },
      { name: "bus", check: () => ({ ok: false, detail: "no broker" }) },
      { name: "meta", check: () => new Promise(() => undefined) },
      {
        name: "rpc",
        check: async () => {
          throw new TypeError("connect ECONNREFUSED 10.0.0.7:8545");
        },
      },
    ];
    const started = Date.now();
    const results = await runHealthChecks(checks, 150);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results).toEqual([
      { name: "store", ok: true },
      { name: "bus", ok: false, detail: "no broker" },
      { name: "meta", ok: false, detail: "timed out after 150 ms" },
      // Only the error's name: the body is public and the message names a host.
      { name: "rpc", ok: false, detail: "TypeError" },
    ]);
  });
});

describe("startHealthServer", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const start = async (ready: () => HealthCheckResult[]) => {
    const metrics = createMetricsRegistry("health-test");
    new Counter({ name: "health_test_total", help: "a counter", registers: [metrics] }).inc(3);
    server = await startHealthServer({ port: 0, metrics, ready, routes: { "/status": () => ({ tip: 7 }) } });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return async (path: string, init?: RequestInit) => {
      const res = await fetch(`${base}${path}`, init);
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
  };

  it("answers liveness, readiness in the one shape, metrics and extra routes", async () => {
    let state: HealthCheckResult[] = [{ name: "sync", ok: true }];
    const get = await start(() => state);
    expect(await get("/healthz")).toMatchObject({ status: 200, text: JSON.stringify({ status: "ok" }) });
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(Readiness.parse(JSON.parse(ready.text))).toEqual({ status: "ready", checks: state });

    state = [
      { name: "rpc", ok: true },
      { name: "sync", ok: false, detail: "no progress for 61 s while behind" },
    ];
    const unready = await get("/readyz");
    expect(unready.status).toBe(503);
    expect(Readiness.parse(JSON.parse(unready.text))).toEqual({
      status: "unready",
      checks: state,
      error: { code: "unavailable", message: "not ready: sync unhealthy" },
    });

    const metrics = await get("/metrics");
    expect(metrics.type).toContain("text/plain");
    expect(metrics.text).toMatch(/health_test_total\{service="health-test"\} 3/);
    expect(JSON.parse((await get("/status?x=1")).text)).toEqual({ tip: 7 });
    expect((await get("/nope")).status).toBe(404);
    expect((await get("/readyz", { method: "POST" })).status).toBe(405);
  });

  it("is unready, not crashed, when the readiness source itself throws", async () => {
    const get = await start(() => {
      throw new RangeError("boom");
    });
    const res = await get("/readyz");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).checks).toEqual([{ name: "readiness", ok: false, detail: "RangeError" }]);
    expect((await get("/healthz")).status).toBe(200);
  });
});
