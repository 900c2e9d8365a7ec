import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** Headers that describe one hop's connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

export interface ProxyOutcome {
  status: number;
  /** Set when query-api could not be reached or failed mid-answer. */
  error?: Error;
}

/** Who the web server decided the client is: the address it saw (or a trusted proxy's word) and the scheme. */
export interface ClientOrigin {
  address: string;
  proto: "http" | "https";
}

export interface QueryApiProxy {
  forward(req: IncomingMessage, res: ServerResponse, client: ClientOrigin): Promise<ProxyOutcome>;
  close(): void;
}

/** Forwarding headers a client could send to pose as someone else: never passed on as received. */
const FORWARDING = new Set([
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
  "forwarded",
]);

/**
 * Forwards a request to query-api and streams the answer back unbuffered, so server-sent events and large
 * exports flow through as they are produced. Same-origin proxying keeps session cookies first-party.
 */
export function createQueryApiProxy(
  upstream: URL,
  options: { headersTimeoutMs?: number } = {},
): QueryApiProxy {
  const https = upstream.protocol === "https:";
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  const basePath = upstream.pathname.replace(/\/$/, "");
  const headersTimeoutMs = options.headersTimeoutMs ?? 30_000;

  const forward = (req: IncomingMessage, res: ServerResponse, client: ClientOrigin) =>
    new Promise<ProxyOutcome>((resolve) => {
      const headers: Record<string, string | string[]> = {};
      const connectionTokens = new Set(
        String(req.headers.connection ?? "")
          .split(",")
          .map((t) => t.trim().toLowerCase()),
      );
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name) || FORWARDING.has(name) || connectionTokens.has(name))
          continue;
        headers[name] = value;
      }
      // Overwritten, never appended: query-api trusts this hop, so the one entry is the client web decided on.
      headers["x-forwarded-for"] = client.address;
      headers["x-forwarded-host"] = req.headers.host ?? "";
      headers["x-forwarded-proto"] = client.proto;
      headers.host = upstream.host;

      let settled = false;
      const finish = (outcome: ProxyOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const upstreamReq = send(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: basePath + (req.url ?? "/"),
          headers,
          agent,
        },
        (upstreamRes) => {
          clearTimeout(timer);
          const status = upstreamRes.statusCode ?? 502;
          for (const [name, value] of Object.entries(upstreamRes.headers)) {
            if (value === undefined || HOP_BY_HOP.has(name)) continue;
            res.setHeader(name, value);
          }
          res.writeHead(status);
          // Event streams must reach the browser at once, not when a buffer fills.
          if (String(upstreamRes.headers["content-type"]).startsWith("text/event-stream")) res.flushHeaders();
          upstreamRes.pipe(res);
          upstreamRes.on("error", (error) => {
            res.destroy(error);
            finish({ status, error });
          });
          upstreamRes.on("end", () => finish({ status }));
        },
      );
      // Only the wait for response headers is bounded: a live stream may rightly stay open for hours.
      const timer = setTimeout(
        () => upstreamReq.destroy(new Error(`query-api sent no response within ${headersTimeoutMs} ms`)),
        headersTimeoutMs,
      );
      upstreamReq.on("error", (error) => {
        clearTimeout(timer);
        if (!res.headersSent) {
          const body = JSON.stringify({
            error: { code: "upstream_unavailable", message: "query-api is not reachable" },
          });
          res.writeHead(502, {
            "content-type": "application/json; charset=utf-8",
            "cache-control": "no-store",
          });
          res.end(body);
        } else {
          res.destroy(error);
        }
        finish({ status: 502, error });
      });
      // The browser went away (closed tab, aborted fetch): stop the upstream work too.
      res.on("close", () => {
        if (!res.writableFinished) upstreamReq.destroy();
        finish({ status: res.statusCode });
      });
      req.pipe(upstreamReq);
    });

  return { forward, close: () => agent.destroy() };
}
