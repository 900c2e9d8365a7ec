import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each file starts its own node and services; running them one at a time keeps a 2-core machine honest.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
