import { existsSync } from "node:fs";
import { join } from "node:path";
import { createModelTables, MODELS_DIR } from "@chainlog/lake";
import { createRpcMetrics, createRpcPool, parseEndpoints } from "@chainlog/rpc";
import { configAtStart, openBus, openMetaStore, openReadModel } from "@chainlog/runtime-config";
import { createLogger, createMetricsRegistry, installShutdown } from "@chainlog/telemetry";
import { createExportBucket } from "./jobs/export-bucket.ts";
import { createExportWorker } from "./jobs/export-worker.ts";
import { createApiServer } from "./server.ts";
import { settingsFromEnv } from "./settings.ts";

const config = configAtStart("query-api");
const logger = createLogger("query-api", config.LOG_LEVEL);

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  const shutdown = installShutdown(logger);

  const store = await openReadModel(config, logger);
  shutdown.onShutdown("store", () => store.close());
  const meta = await openMetaStore(config, logger);
  shutdown.onShutdown("meta", () => meta.close());
  const bus = await openBus(config, logger);
  shutdown.onShutdown("bus", () => bus.close());
  const metrics = createMetricsRegistry("query-api");
  // The same nodes ingest follows: address balances and Etherscan's proxy/logs read them.
  const rpc =
    config.rpcUrls.length > 0
      ? createRpcPool({
          endpoints: parseEndpoints(config.rpcUrls),
          logger: logger.child({ component: "rpc-pool" }),
          metrics: createRpcMetrics(metrics, "chainlog_api_rpc"),
        })
      : null;
  rpc?.start();
  shutdown.onShutdown("rpc-pool", async () => rpc?.close());

  if (settings.exportWorker) {
    const worker = createExportWorker({
      store,
      meta,
      logger,
      maxResultBytesPerUser: settings.quotas.resultBytes,
      resultTtlMs: settings.jobResultTtlMs,
      ...(config.CHAINLOG_EXPORT_BUCKET ? { bucket: createExportBucket(config.CHAINLOG_EXPORT_BUCKET) } : {}),
    });
    worker.start();
    shutdown.onShutdown("export-worker", () => worker.stop());
  }

  // the models built beside a local lake; an S3 lake's models are Athena's. The SQL files ship with the lake
  // package in a checkout, not in the service's image bundle: there the route answers that no model is built.
  const modelsShipped = existsSync(MODELS_DIR);
  if (!modelsShipped)
    logger.warn({ modelsDir: MODELS_DIR }, "lake models not shipped with this build: /v1/lake/models off");
  const lakeModels =
    /^s3:\/\//i.test(config.lakeDir) || !modelsShipped
      ? null
      : createModelTables(join(config.lakeDir, "models"));
  shutdown.onShutdown("lake-models", async () => lakeModels?.close());

  const app = await createApiServer({
    store,
    meta,
    bus,
    rpc,
    logger,
    metrics,
    lakeModels,
    config: { ...settings, busPartitions: config.BUS_PARTITIONS },
  });
  // Registered last so it runs first: stop accepting, drain in-flight requests, then close the ports.
  shutdown.onShutdown("http", () => app.close());
  const address = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  logger.info({ address, mode: config.CHAINLOG_MODE, docs: `${address}/docs` }, "query-api listening");
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "query-api failed to start");
  process.exit(1);
});
