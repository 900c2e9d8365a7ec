import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Suites start anvils and a Cassandra node on a shared 2-core machine: one file at a time, generous limits.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
