import { createServer, type Server } from "node:http";
import type { Registry } from "@chainlog/telemetry";

export interface HealthServerParameters {
  port: number;
  host?: string;
  metrics: Registry;
  /** Liveness: the process answers. Readiness: it consumes and is not stuck, and its store answers. */
  ready: () => Promise<{ ok: boolean; detail?: string }>;
}

/** /healthz, /readyz and Prometheus /metrics on node:http (no framework for three routes). */
export async function startHealthServer(params: HealthServerParameters): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, JSON.stringify({ error: "method not allowed" }));
    if (path === "/healthz") return send(200, JSON.stringify({ ok: true }));
    if (path === "/readyz") {
      params
        .ready()
        .then((r) => send(r.ok ? 200 : 503, JSON.stringify(r)))
        .catch((error: unknown) => send(503, JSON.stringify({ ok: false, detail: String(error) })));
      return;
    }
    if (path === "/metrics") {
      params.metrics
        .metrics()
        .then((text) => send(200, text, params.metrics.contentType))
        .catch((error: unknown) => send(500, JSON.stringify({ error: String(error) })));
      return;
    }
    send(404, JSON.stringify({ error: `no route ${path}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(params.port, params.host ?? "0.0.0.0", () => resolve());
  });
  return server;
}
