export { type EndpointConfig, EndpointConfigError, parseEndpoints } from "@chainlog/runtime-config";
export * from "./classify.ts";
export * from "./endpoint.ts";
export * from "./errors.ts";
export * from "./json-rpc.ts";
export * from "./metrics.ts";
export * from "./rpc-pool.ts";
export * from "./token-bucket.ts";
