export * from "./actions.ts";
export * from "./artifacts.ts";
export * from "./build-workload-chain.ts";
export * from "./client.ts";
export * from "./deploy.ts";
export * from "./run-workload.ts";
export * from "./wallet-market.ts";
