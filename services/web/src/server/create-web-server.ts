import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { clientAddress, type TrustProxy, trustFunction } from "@chainlog/runtime-config";
import {
  answerHealthProbe,
  applyServerLimits,
  CONNECTION_CHECK_INTERVAL_MS,
  Counter,
  type HealthCheck,
  Histogram,
  type Logger,
  type Registry,
  runHealthChecks,
  type ServerLimits,
} from "@chainlog/telemetry";
import { type ClientOrigin, createQueryApiProxy } from "./proxy.ts";
import { setSecurityHeaders } from "./security-headers.ts";
import { chooseEncoding, type StaticFile } from "./static-files.ts";

export interface WebServerContext {
  files: Map<string, StaticFile>;
  queryApiUrl: URL;
  logger: Logger;
  metrics: Registry;
  /** How long /readyz waits for query-api. */
  readyTimeoutMs?: number;
  /** Proxies in front of the web whose X-Forwarded-For/-Proto are believed (default: none). */
  trustProxy?: TrustProxy;
  /** Whether browsers reach the web over HTTPS (HSTS on its answers); auto: TLS here or a trusted proxy says so. */
  https?: "auto" | "always" | "never";
  /** Timeouts and the per-client connection cap (defaults below). */
  limits?: Partial<ServerLimits>;
}

export const DEFAULT_WEB_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Proxied live streams carry a heartbeat every 15 s, well inside this.
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerClient: 64,
};

export interface WebServer {
  server: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** /metrics on its own port (never the public one): for Prometheus inside the cluster, or loopback. */
  listenMetrics(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish, then cuts long-lived streams after graceMs. */
  close(graceMs?: number): Promise<void>;
}

/** Paths that belong to query-api; everything else is the app. */
export function isApiPath(pathname: string): boolean {
  return (
    pathname.startsWith("/v1/") ||
    pathname === "/v1" ||
    pathname === "/docs" ||
    pathname.startsWith("/docs/") ||
    pathname === "/openapi.json"
  );
}

export function createWebServer(ctx: WebServerContext): WebServer {
  const proxy = createQueryApiProxy(ctx.queryApiUrl);
  const requests = new Counter({
    name: "chainlog_web_http_requests_total",
    help: "Requests answered by the web server, by kind of route",
    labelNames: ["route", "method", "status"],
    registers: [ctx.metrics],
  });
  const duration = new Histogram({
    name: "chainlog_web_http_request_duration_seconds",
    help: "Time to answer (for proxied streams: until the stream ended)",
    labelNames: ["route"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [ctx.metrics],
  });
  const proxyErrors = new Counter({
    name: "chainlog_web_proxy_errors_total",
    help: "Proxied requests that failed because query-api was unreachable or broke off",
    registers: [ctx.metrics],
  });
  const index = ctx.files.get("/index.html")!;
  const trust = ctx.trustProxy ?? false;
  const trusted = trustFunction(trust);
  const originOf = (req: IncomingMessage): ClientOrigin => {
    const peer = req.socket.remoteAddress ?? "";
    const claimed = String(req.headers["x-forwarded-proto"] ?? "")
      .split(",")[0]
      ?.trim();
    const proto =
      ctx.https === "always" ||
      (ctx.https !== "never" && ("encrypted" in req.socket || (trusted(peer, 0) && claimed === "https")))
        ? "https"
        : "http";
    return { address: clientAddress(req, trust), proto };
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse, file: StaticFile) => {
    res.setHeader("cache-control", file.cacheControl);
    res.setHeader("etag", file.etag);
    res.setHeader("vary", "accept-encoding");
    if (req.headers["if-none-match"] === file.etag) {
      res.writeHead(304);
      res.end();
      return 304;
    }
    const { body, encoding } = chooseEncoding(file, req.headers["accept-encoding"]);
    res.setHeader("content-type", file.contentType);
    res.setHeader("content-length", body.length);
    if (encoding) res.setHeader("content-encoding", encoding);
    res.writeHead(200);
    res.end(req.method === "HEAD" ? undefined : body);
    return 200;
  };

  const readyTimeoutMs = ctx.readyTimeoutMs ?? 2000;
  const queryApi: HealthCheck = {
    name: "query-api",
    async check() {
      try {
        const res = await fetch(new URL("healthz", ensureSlash(ctx.queryApiUrl)), {
          signal: AbortSignal.timeout(readyTimeoutMs),
        });
        await res.body?.cancel();
        return res.ok ? { ok: true } : { ok: false, detail: `query-api /healthz answered ${res.status}` };
      } catch (error) {
        return { ok: false, detail: `query-api unreachable: ${(error as Error).message}` };
      }
    },
  };
  // The fetch gives up first, with its own reason; the outer bound only guards against a hang past it.
  const ready = () => runHealthChecks([queryApi], readyTimeoutMs + 1000);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<[string, number]> => {
    const pathname = new URL(req.url ?? "/", "http://web.invalid").pathname;
    const client = originOf(req);
    if (isApiPath(pathname)) {
      const outcome = await proxy.forward(req, res, client);
      if (outcome.error) {
        proxyErrors.inc();
        ctx.logger.warn({ err: outcome.error, path: pathname }, "proxy to query-api failed");
      }
      return ["proxy", outcome.status];
    }
    setSecurityHeaders(res);
    if (client.proto === "https")
      res.setHeader("strict-transport-security", "max-age=31536000; includeSubDomains");
    const probe = await answerHealthProbe(pathname, ready);
    if (probe) {
      sendJson(res, probe.statusCode, probe.body);
      return [pathname.slice(1), probe.statusCode];
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      sendJson(res, 405, {
        error: { code: "method_not_allowed", message: `${req.method} is not allowed here` },
      });
      return ["static", 405];
    }
    const file = ctx.files.get(pathname);
    if (file) return ["static", serveFile(req, res, file)];
    // A missing asset is an error; any other path is a client-side route of the single-page app.
    if (pathname.startsWith("/assets/") || /\.[a-z0-9]+$/i.test(pathname)) {
      sendJson(res, 404, { error: { code: "not_found", message: `no file ${pathname}` } });
      return ["static", 404];
    }
    return ["app", serveFile(req, res, index)];
  };

  const server = createServer({ connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS }, (req, res) => {
    const started = process.hrtime.bigint();
    handle(req, res).then(
      ([route, status]) => {
        requests.inc({ route, method: req.method ?? "?", status: String(status) });
        duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
      },
      (error: unknown) => {
        ctx.logger.error({ err: error, path: req.url }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: { code: "internal", message: "internal error" } });
        else res.destroy();
        requests.inc({ route: "error", method: req.method ?? "?", status: "500" });
      },
    );
  });
  // The request (headers, then body) must arrive in time; the answer may stream for hours (live streams).
  applyServerLimits(server, {
    ...DEFAULT_WEB_LIMITS,
    ...ctx.limits,
    exempt: (address) => trusted(address, 0),
  });

  const metricsServer = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://web.invalid").pathname !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: { code: "not_found", message: "only /metrics here" } }));
      return;
    }
    ctx.metrics.metrics().then(
      (text) => {
        res.writeHead(200, { "content-type": ctx.metrics.contentType, "cache-control": "no-store" });
        res.end(text);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  applyServerLimits(metricsServer, { ...DEFAULT_WEB_LIMITS, maxConnectionsPerClient: 16 });

  return {
    server,
    listen: (port, host) => listenOn(server, port, host),
    listenMetrics: (port, host) => listenOn(metricsServer, port, host),
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        metricsServer.close();
        metricsServer.closeAllConnections();
        server.close(() => {
          clearTimeout(timer);
          proxy.close();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function listenOn(server: Server, port: number, host: string): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({ url: `http://${shownHost}:${address.port}`, port: address.port });
    });
  });
}

function ensureSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith("/")) copy.pathname += "/";
  return copy;
}
