export { type ClusterPipeline, type ClusterRun, startClusterRun } from "./cluster-run.ts";
export { type CheckReport, checkStore, checkStoreEventually } from "./store-checker.ts";
export { createTimings } from "./timings.ts";
export { runLimited, waitFor } from "./wait-for.ts";
