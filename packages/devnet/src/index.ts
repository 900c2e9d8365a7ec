export * from "./anvil.ts";
