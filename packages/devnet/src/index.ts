export * from "./anvil.ts";
export * from "./workload/index.ts";
