export * from "./config.ts";
export { parseLeaseDuration, parseSince, type VariableDoc } from "./env-values.ts";
export * from "./open-ports.ts";
export * from "./parse-endpoints.ts";
export * from "./programs.ts";
export * from "./trust-proxy.ts";
export * from "./variable-docs.ts";
