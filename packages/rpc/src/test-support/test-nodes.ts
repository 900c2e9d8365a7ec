import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@chainlog/telemetry";
import { afterEach } from "vitest";
import { createRpcPool } from "../rpc-pool.ts";

export interface TestNode {
  url: string;
  /** Requests the node has received so far. */
  requests: () => number;
}

/**
 * Registers cleanup after each test and returns a starter of loopback HTTP nodes that answer with `handler`;
 * every node a test started is closed (open connections too) when it ends.
 */
export function useTestNodes(): (handler: RequestListener) => Promise<TestNode> {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
  return async (handler) => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests: () => requests };
  };
}

/** A pool over the one endpoint `url`, logging nothing. */
export const poolOn = (url: string, options: Partial<Parameters<typeof createRpcPool>[0]> = {}) =>
  createRpcPool({ endpoints: [{ url }], logger: createLogger("test", "silent"), ...options });
