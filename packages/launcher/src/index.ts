export { repoRoot } from "./repo-root.ts";
export {
  type ServiceExit,
  type ServiceName,
  type ServiceProcess,
  type StartServiceOptions,
  startService,
} from "./service-process.ts";
export { start } from "./start.ts";
