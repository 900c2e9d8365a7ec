export * from "./config.ts";
export * from "./open-ports.ts";
