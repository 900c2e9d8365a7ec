import { recordingLogger } from "@chainlog/ports/contract";
import { expect, it, vi } from "vitest";
import { createMongoMetaStore } from "./create-mongo-meta-store.ts";

// Nothing listens on port 1: the driver's lost server must reach the service's logger, not vanish.
it("writes an unreachable MongoDB server, with the driver's error, to the logger it is given", async () => {
  const logger = recordingLogger();
  const meta = createMongoMetaStore({ url: "mongodb://127.0.0.1:1/adapter_logger_test", logger });
  const migrating = meta.migrate().catch((error: unknown) => error);
  try {
    await vi.waitFor(() => expect(logger.entries.some((e) => e.level === "warn")).toBe(true), {
      timeout: 30_000,
      interval: 50,
    });
  } finally {
    await meta.close();
  }
  const warn = logger.entries.find((e) => e.level === "warn")!;
  expect(warn.msg).toBe("MongoDB server unreachable");
  expect(warn.obj).toMatchObject({ server: "127.0.0.1:1" });
  expect(String((warn.obj as { err: Error }).err.message)).toMatch(/ECONNREFUSED/);
  await migrating;
}, 60_000);
