import { join } from "node:path";
import { test } from "vitest";
import { tempDir } from "../temp-dir.ts";

/**
 * vitest's `it` with a `tempPath(name)` fixture (and `path`, one file in it): a path in a directory of the test's own, removed after the test
 * (and after its afterEach hooks, so workers holding the files are gone by then).
 */
export const it = test.extend<{ tempPath: (name: string) => string; path: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  tempPath: async ({}, use) => {
    const tmp = tempDir();
    try {
      await use((name) => join(tmp.dir, name));
    } finally {
      tmp.remove();
    }
  },
  /** The test's one SQLite file, in its temp directory. */
  path: async ({ tempPath }, use) => use(tempPath("test.db")),
});
