import type { MetaStore } from "@chainlog/ports";
import { createRpcMetrics, createRpcPool } from "@chainlog/rpc";
import {
  configAtStart,
  openBus,
  openChainWriter,
  openMetaStore,
  parseEndpoints,
} from "@chainlog/runtime-config";
import { createLogger, createMetricsRegistry, installShutdown, startHealthServer } from "@chainlog/telemetry";
import { createProcessor } from "./create-processor.ts";
import { createWatchedAddresses } from "./enrich/watched-addresses.ts";

const config = configAtStart("processor");
const logger = createLogger("processor", config.LOG_LEVEL);

async function main() {
  const { onShutdown } = installShutdown(logger, { timeoutMs: 30_000 });
  const metrics = createMetricsRegistry("processor");
  const bus = await openBus(config, logger);
  onShutdown("bus", () => bus.close());
  const store = await openChainWriter(config, logger);
  onShutdown("store", () => store.close());
  // Watchlists are an extra: a metadata store that is down must not stop blocks from flowing. Connect lazily and
  // keep retrying on each refresh.
  let meta: MetaStore | null = null;
  let connecting: Promise<MetaStore> | null = null;
  const metaStore = {
    async listWatchedAddresses() {
      if (!meta) {
        connecting ??= openMetaStore(config, logger).finally(() => {
          connecting = null;
        });
        meta = await connecting;
        onShutdown("metastore", () => (meta as MetaStore).close());
      }
      return meta.listWatchedAddresses();
    },
  };

  const watched = createWatchedAddresses({
    fixed: config.WATCHED_ADDRESSES,
    metaStore: config.PROCESSOR_WATCHLIST_REFRESH_MS > 0 ? metaStore : null,
    refreshMs: config.PROCESSOR_WATCHLIST_REFRESH_MS,
    onError: (error) => logger.warn({ err: error }, "watchlist refresh failed"),
  });
  await watched.start(5_000);
  onShutdown("watchlists", async () => watched.stop());
  // Without a node the raw stage writes everything the blocks carry; the enrichment stage marks what it lacks.
  const pool =
    config.rpcUrls.length > 0
      ? createRpcPool({
          endpoints: parseEndpoints(config.rpcUrls),
          timeoutMs: config.PROCESSOR_RPC_TIMEOUT_MS,
          logger: logger.child({ component: "rpc-pool" }),
          metrics: createRpcMetrics(metrics, "chainlog_processor_rpc"),
        })
      : null;
  if (!pool) logger.warn("no ETH_RPC_URL: swaps, prices, traces and balances are not enriched");
  pool?.start();

  const processor = createProcessor({
    bus,
    store,
    logger,
    metrics,
    partitions: config.BUS_PARTITIONS,
    instance: config.POD_NAME,
    enrich: config.PROCESSOR_ENRICH
      ? {
          pool,
          traces: config.PROCESSOR_TRACES,
          weth: config.WETH_ADDRESS,
          stablecoins: config.STABLECOIN_ADDRESSES,
          watched: watched.has,
          retryForMs: config.PROCESSOR_ENRICH_RETRY_MS,
          traceConcurrency: config.PROCESSOR_TRACE_CONCURRENCY,
          catchUpTraceConcurrency: config.PROCESSOR_CATCHUP_TRACE_CONCURRENCY,
          traceTimeoutMs: config.PROCESSOR_TRACE_TIMEOUT_MS,
        }
      : null,
  });
  const server = await startHealthServer({
    port: config.PROCESSOR_HTTP_PORT,
    // Loopback by default; containers set PROCESSOR_HTTP_HOST=0.0.0.0 so probes and scrapers reach it.
    host: config.PROCESSOR_HTTP_HOST,
    metrics,
    ready: [
      {
        name: "consumer",
        check: () =>
          processor.ready()
            ? { ok: true }
            : { ok: false, detail: "not consuming, or lagging without progress" },
      },
      { name: "store", check: () => store.health() },
    ],
  });
  onShutdown("http", () => new Promise<void>((resolve) => server.close(() => resolve())));
  // Registered last, so it runs first: finish and commit the batch in flight before the bus and store close.
  onShutdown("processor", () => processor.close());
  // Runs before even that: enrichment reads in flight end at once (their batch is not committed and is redone
  // after the restart), so a slow or dead node cannot hold the shutdown past its grace period.
  onShutdown("rpc-pool", () => pool?.close());
  await processor.start();
  logger.info(
    { port: config.PROCESSOR_HTTP_PORT, enrich: config.PROCESSOR_ENRICH, watched: watched.size() },
    "processor started",
  );
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "processor failed to start");
  process.exit(1);
});
