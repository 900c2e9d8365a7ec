import { loadConfig, openBus, openStore } from "@chainlog/runtime-config";
import { createLogger, createMetricsRegistry, installShutdown } from "@chainlog/telemetry";
import { createProcessor } from "./create-processor.ts";
import { startHealthServer } from "./http/health-server.ts";

const logger = createLogger("processor");

async function main() {
  const config = loadConfig(process.env);
  const { onShutdown } = installShutdown(logger, { timeoutMs: 30_000 });
  const metrics = createMetricsRegistry("processor");
  const bus = await openBus(config);
  onShutdown("bus", () => bus.close());
  const store = await openStore(config);
  onShutdown("store", () => store.close());

  const processor = createProcessor({ bus, store, logger, metrics, partitions: config.BUS_PARTITIONS });
  const server = await startHealthServer({
    port: config.PROCESSOR_HTTP_PORT,
    // Loopback by default; containers set PROCESSOR_HTTP_HOST=0.0.0.0 so probes and scrapers reach it.
    host: process.env.PROCESSOR_HTTP_HOST || "127.0.0.1",
    metrics,
    ready: async () => {
      if (!processor.ready()) return { ok: false, detail: "not consuming, or lagging without progress" };
      const health = await store.health();
      return health.ok ? { ok: true } : { ok: false, detail: `store: ${health.detail ?? "unhealthy"}` };
    },
  });
  onShutdown("http", () => new Promise<void>((resolve) => server.close(() => resolve())));
  // Registered last, so it runs first: finish and commit the batch in flight before the bus and store close.
  onShutdown("processor", () => processor.close());
  await processor.start();
  logger.info({ port: config.PROCESSOR_HTTP_PORT }, "processor started");
}

main().catch((error: unknown) => {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "processor failed to start");
  process.exit(1);
});
