import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Suites start anvil nodes: one file at a time keeps a 2-core machine honest.
    fileParallelism: false,
    hookTimeout: 60_000,
  },
});
