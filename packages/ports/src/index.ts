export * from "./bus.ts";
export * from "./chunk-by-size.ts";
export * from "./holdings.ts";
export * from "./lease.ts";
export * from "./logger.ts";
export * from "./meta-store.ts";
export * from "./page-cursor.ts";
export * from "./store.ts";
