import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "@chainlog/embedded";
import { describeProcessorEndToEnd } from "./test-support/describe-processor-e2e.ts";

describeProcessorEndToEnd("the embedded store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "chainlog-processor-store-"));
  const store = await createSqliteStore({ path: join(dir, "store.db") });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
