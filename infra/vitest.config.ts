import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Rendering a whole stack under mocks registers ~100 resources; on a shared 2-core machine that can take
    // several seconds, so allow generous (but finite) time per test.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
