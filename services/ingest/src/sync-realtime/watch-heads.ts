import type { Logger } from "@chainlog/telemetry";
/**
 * newHeads over a websocket: only a wake-up call for the head loop, which still fetches and validates every
 * block through the pool. If the socket dies, polling carries on alone. viem is loaded only here, when a
 * websocket is configured: an ingest without one starts seconds sooner.
 */
export function watchHeads(wsUrl: string, logger: Logger, onHead: () => void): () => void {
  let unwatch: (() => void) | null = null;
  let stopped = false;
  import("viem").then(
    ({ createPublicClient, webSocket }) => {
      if (stopped) return;
      const client = createPublicClient({
        transport: webSocket(wsUrl, { reconnect: { attempts: 1_000, delay: 2000 } }),
      });
      unwatch = client.watchBlockNumber({
        emitOnBegin: false,
        onBlockNumber: () => onHead(),
        onError: (error) => logger.debug({ err: error }, "newHeads subscription error; polling continues"),
      });
    },
    (error: unknown) => logger.warn({ err: error }, "newHeads unavailable; polling continues"),
  );
  return () => {
    stopped = true;
    unwatch?.();
  };
}
