export * from "./health.ts";
export * from "./http-server-limits.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./retry.ts";
export * from "./shutdown.ts";
