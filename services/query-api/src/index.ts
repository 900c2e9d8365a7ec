export * from "./http/errors.ts";
export { createExportWorker, type ExportWorker } from "./jobs/export-worker.ts";
export { type ApiServer, type ApiServerDeps, createApiServer } from "./server.ts";
export { type ApiSettings, defaultSettings, settingsFromEnv } from "./settings.ts";
