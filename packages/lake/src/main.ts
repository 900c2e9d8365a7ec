import { configAtStart, openBus, openReadModel } from "@chainlog/runtime-config";
import { createLogger, installShutdown } from "@chainlog/telemetry";
import { createLakeSink } from "./create-lake-sink.ts";

const config = configAtStart("lake");
const logger = createLogger("lake", config.LOG_LEVEL);

/** The lake sink as its own process (`chainlog start` runs it beside the services). */
async function main() {
  const { onShutdown } = installShutdown(logger, { timeoutMs: 30_000 });
  const bus = await openBus(config, logger);
  onShutdown("bus", () => bus.close());
  const store = await openReadModel(config, logger);
  onShutdown("store", () => store.close());
  const sink = createLakeSink({
    bus,
    store,
    logger,
    location: config.lakeDir,
    confirmations: config.LAKE_CONFIRMATIONS,
    blocksPerPart: config.LAKE_BLOCKS_PER_PART,
    flushMs: config.LAKE_FLUSH_MS,
    partitions: config.BUS_PARTITIONS,
    instance: config.POD_NAME,
  });
  // Registered last, so it runs first: the part in progress is finished before the bus and store close.
  onShutdown("lake", () => sink.close());
  await sink.start();
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "lake sink failed to start");
  process.exit(1);
});
