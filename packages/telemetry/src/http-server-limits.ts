import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ServerLimits {
  /** Until the request headers are complete (slow headers). */
  headersTimeoutMs: number;
  /** Until the whole request, body included, is received (slow bodies); the answer may stream longer. */
  requestTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (streams send heartbeats well within it). */
  idleTimeoutMs: number;
  /** Between two requests on a kept-alive connection. */
  keepAliveTimeoutMs: number;
  /** Open connections from one address; the next is answered 429 and closed. */
  maxConnectionsPerClient: number;
  /** Peers exempt from the per-address cap (proxies that carry many clients). */
  exempt?: (address: string) => boolean;
}

/** How often Node looks for requests past headersTimeout/requestTimeout (its default, 30 s, is coarse). */
export const CONNECTION_CHECK_INTERVAL_MS = 1000;

const TOO_MANY = JSON.stringify({
  error: { code: "too_many_connections", message: "too many open connections from this address" },
});

/**
 * Timeouts and a per-address connection cap for a Node HTTP server, so a slow or greedy client costs nothing
 * once its time is up. Create the server with `connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS` so
 * the request timeouts are enforced to the second.
 */
export function applyServerLimits(
  server: Server,
  limits: ServerLimits,
): { connections(address: string): number } {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.idleTimeoutMs;
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    if (limits.exempt?.(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerClient) {
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: ${Buffer.byteLength(TOO_MANY)}\r\n\r\n${TOO_MANY}`,
      );
      socket.destroySoon();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return { connections: (address) => open.get(address) ?? 0 };
}
