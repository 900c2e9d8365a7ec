export * from "./anvil.ts";
export * from "./chain-driver.ts";
export * from "./json-rpc.ts";
export * from "./misbehaving-node.ts";
export * from "./wait-for.ts";
export * from "./workload/index.ts";
