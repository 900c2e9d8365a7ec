import { createServer, type Server } from "node:http";
import type { Registry } from "@chainlog/telemetry";

export interface HealthSource {
  ready(): { ok: boolean; reason?: string };
  status(): unknown;
}

/** /healthz (process alive), /readyz (healthy endpoint and not stuck), /metrics (Prometheus), /status (JSON). */
export function startHttpServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  health: HealthSource;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return json(405, { error: "method not allowed" });
    if (path === "/healthz") return json(200, { ok: true });
    if (path === "/readyz") {
      const r = options.health.ready();
      return json(r.ok ? 200 : 503, r);
    }
    if (path === "/status") return json(200, options.health.status());
    if (path === "/metrics") {
      options.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { "content-type": options.registry.contentType });
          res.end(text);
        })
        .catch((error: Error) => json(500, { error: error.message }));
      return;
    }
    json(404, { error: `no route ${path}` });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve(server));
  });
}
