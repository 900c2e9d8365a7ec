import type { Logger } from "@chainlog/telemetry";
import { createPublicClient, webSocket } from "viem";

/**
 * newHeads over a websocket: only a wake-up call for the head loop, which still fetches and validates every
 * block through the pool. If the socket dies, polling carries on alone.
 */
export function watchHeads(wsUrl: string, logger: Logger, onHead: () => void): () => void {
  const client = createPublicClient({
    transport: webSocket(wsUrl, { reconnect: { attempts: 1_000, delay: 2000 } }),
  });
  const unwatch = client.watchBlockNumber({
    emitOnBegin: false,
    onBlockNumber: () => onHead(),
    onError: (error) =>
      logger.debug({ err: error.message }, "newHeads subscription error; polling continues"),
  });
  return unwatch;
}
