export * from "./errors.ts";
export * from "./ingest.ts";
export * from "./ingest-env.ts";
export * from "./ingest-metrics.ts";
export * from "./publish/index.ts";
export * from "./status/report-status.ts";
