import { createServer, type Server } from "node:http";
import type { HealthCheckResult, Liveness, Readiness } from "@chainlog/tx-schema";
import type { Registry } from "./metrics.ts";

/** One dependency a service needs to do its work (the store, the bus, an upstream API, its RPC endpoints…). */
export interface HealthCheck {
  name: string;
  check(): { ok: boolean; detail?: string } | Promise<{ ok: boolean; detail?: string }>;
}

export interface HealthAnswer {
  statusCode: 200 | 503;
  body: Liveness | Readiness;
}

/** What /readyz reports: the checks' results, computed fresh for each probe. */
export type ReadinessSource = () => HealthCheckResult[] | Promise<HealthCheckResult[]>;

export const LIVENESS: Liveness = { status: "ok" };

/**
 * Runs every check at once, each bounded by `timeoutMs`: a dependency that hangs is reported as such instead
 * of holding the probe past its own timeout. A check that throws is unready with the error's name only (the
 * body is public; messages may carry hosts or paths).
 */
export async function runHealthChecks(checks: HealthCheck[], timeoutMs = 2000): Promise<HealthCheckResult[]> {
  return Promise.all(
    checks.map(async ({ name, check }): Promise<HealthCheckResult> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          Promise.resolve().then(check),
          new Promise<{ ok: false; detail: string }>((resolve) => {
            timer = setTimeout(
              () => resolve({ ok: false, detail: `timed out after ${timeoutMs} ms` }),
              timeoutMs,
            );
          }),
        ]);
        return { name, ok: result.ok, ...(result.detail ? { detail: result.detail } : {}) };
      } catch (error) {
        return { name, ok: false, detail: error instanceof Error ? error.name : "health check failed" };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** The readiness body and status for these results: 503 with the error body naming what fails. */
export function readinessAnswer(checks: HealthCheckResult[]): { statusCode: 200 | 503; body: Readiness } {
  const failing = checks.filter((c) => !c.ok).map((c) => c.name);
  if (failing.length === 0) return { statusCode: 200, body: { status: "ready", checks } };
  return {
    statusCode: 503,
    body: {
      status: "unready",
      checks,
      error: { code: "unavailable", message: `not ready: ${failing.join(", ")} unhealthy` },
    },
  };
}

/** The answer for /healthz or /readyz; null for any other path (for servers with routes of their own). */
export async function answerHealthProbe(path: string, ready: ReadinessSource): Promise<HealthAnswer | null> {
  if (path === "/healthz") return { statusCode: 200, body: LIVENESS };
  if (path !== "/readyz") return null;
  try {
    return readinessAnswer(await ready());
  } catch (error) {
    return readinessAnswer([
      { name: "readiness", ok: false, detail: error instanceof Error ? error.name : "readiness failed" },
    ]);
  }
}

export interface HealthServerOptions {
  port: number;
  /** Loopback unless said otherwise; containers set 0.0.0.0 so probes and scrapers reach it. */
  host?: string;
  ready: ReadinessSource;
  /** Served at /metrics in the Prometheus text format. */
  metrics: Registry;
  /** More read-only JSON routes by path (e.g. ingest's /status). */
  routes?: Record<string, () => unknown>;
}

/**
 * The health server of a service without an HTTP API of its own: /healthz, /readyz, /metrics and `routes`, on
 * node:http (no framework for a handful of GET routes).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, JSON.stringify({ error: { code, message } }));
    if (req.method !== "GET") return fail(405, "method_not_allowed", `${req.method} is not allowed here`);
    if (path === "/metrics") {
      options.metrics.metrics().then(
        (text) => send(200, text, options.metrics.contentType),
        (error: Error) => fail(500, "internal", error.message),
      );
      return;
    }
    const route = options.routes?.[path];
    if (route) return send(200, JSON.stringify(route()));
    answerHealthProbe(path, options.ready).then((answer) =>
      answer
        ? send(answer.statusCode, JSON.stringify(answer.body))
        : fail(404, "not_found", `no route ${path}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
