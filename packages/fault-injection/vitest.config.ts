import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each file starts its own engines, node and services: one at a time, or a 2-core machine thrashes.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 240_000,
  },
});
