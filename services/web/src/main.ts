import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { configAtStart } from "@chainlog/runtime-config";
import { createLogger, createMetricsRegistry, installShutdown, redactUrl } from "@chainlog/telemetry";
import { createWebServer } from "./server/create-web-server.ts";
import { ensureBuild } from "./server/ensure-build.ts";
import { loadStaticFiles } from "./server/static-files.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const config = configAtStart("web");
const logger = createLogger("web", config.LOG_LEVEL);

try {
  // WEB_DIST_DIR lets a container serve a bundle built elsewhere; by default, this package's own dist/public/.
  const distDir = config.WEB_DIST_DIR ? resolve(config.WEB_DIST_DIR) : join(root, "dist", "public");
  if (!config.WEB_DIST_DIR) await ensureBuild(root, distDir, logger);
  const files = await loadStaticFiles(distDir);
  const queryApiUrl = new URL(config.QUERY_API_URL);
  const web = createWebServer({
    files,
    queryApiUrl,
    logger,
    metrics: createMetricsRegistry("web"),
    trustProxy: config.WEB_TRUST_PROXY,
    https: config.WEB_HTTPS,
    limits: { maxConnectionsPerClient: config.WEB_MAX_CONNECTIONS_PER_CLIENT },
  });
  const shutdown = installShutdown(logger);
  shutdown.onShutdown("http", () => web.close());
  const { url } = await web.listen(config.WEB_PORT, config.WEB_HOST);
  const metrics = await web.listenMetrics(config.WEB_METRICS_PORT, config.WEB_METRICS_HOST);
  logger.info(
    {
      url,
      metrics: `${metrics.url}/metrics`,
      queryApi: redactUrl(queryApiUrl.toString()),
      files: files.size,
    },
    "web listening",
  );
} catch (error) {
  logger.fatal({ err: error }, "web failed to start");
  process.exit(1);
}
