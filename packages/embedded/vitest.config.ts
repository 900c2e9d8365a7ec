import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Every commit here is an fsync; on a shared, loaded disk a test can take many times its quiet-machine time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
