export * from "./decode-call-result.ts";
export * from "./decode-contract-creations.ts";
export * from "./decode-logs.ts";
export * from "./signatures.ts";
export * from "./types.ts";
