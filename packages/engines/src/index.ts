export { attachEngines } from "./attach-engines.ts";
export { type EngineStatus, enginesStatus } from "./engines-status.ts";
export {
  EngineInstallError,
  EngineNotReadyError,
  EngineOptionsError,
  EngineStartError,
  EngineStateError,
  EnginesAlreadyRunningError,
  PortInUseError,
} from "./errors.ts";
export { freeEnginePorts } from "./free-engine-ports.ts";
export {
  type InstalledTool,
  installEtcd,
  installKubeApiServer,
  installPulumi,
  installPulumiKubernetes,
} from "./install/install-go-tools.ts";
export {
  type KubeApiServer,
  type KubeResponse,
  kubeRequest,
  startKubeApiServer,
} from "./kube/kube-api-server.ts";
export { AllEngines, type EngineName, type StartEnginesParameters } from "./options.ts";
export { cacheDir, defaultBaseDir } from "./paths.ts";
export { freePort } from "./process/ports.ts";
export * from "./s3/index.ts";
export { type Engines, startEngines } from "./start-engines.ts";
export { type EngineEndpoints, readState } from "./state.ts";
export { type StopEnginesParameters, stopEngines } from "./stop-engines.ts";
export { type TestEngines, testEngines } from "./test-engines.ts";
export { KubeVersions, Versions } from "./versions.ts";
