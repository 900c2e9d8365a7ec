export { repoRoot } from "./repo-root.ts";
export { type ServiceName, type ServiceProcess, startService } from "./service-process.ts";
export { start } from "./start.ts";
