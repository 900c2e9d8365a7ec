export * from "./bus.ts";
export * from "./meta-store.ts";
export * from "./store.ts";
