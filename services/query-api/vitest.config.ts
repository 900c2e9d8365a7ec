import { defineConfig } from "vitest/config";

// The suites run beside other packages' suites on a shared 2-core machine: generous but finite limits.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Suites each open their own SQLite files and ports; two at a time keeps the machine responsive.
    maxWorkers: 2,
  },
});
