export * from "./config.ts";
export * from "./open-ports.ts";
export * from "./parse-endpoints.ts";
export * from "./trust-proxy.ts";
