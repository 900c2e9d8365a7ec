export * from "./block-sink.ts";
export * from "./cursor-store.ts";
