import { recordingLogger, untilLogged } from "@chainlog/ports/contract";
import { expect, it } from "vitest";
import { createMongoMetaStore } from "./create-mongo-meta-store.ts";

// Nothing listens on port 1: the driver's lost server must reach the service's logger, not vanish.
it("writes an unreachable MongoDB server, with the driver's error, to the logger it is given", async () => {
  const logger = recordingLogger();
  const meta = createMongoMetaStore({ url: "mongodb://127.0.0.1:1/adapter_logger_test", logger });
  const migrating = meta.migrate().catch((error: unknown) => error);
  const warn = await untilLogged(logger, "warn").finally(() => meta.close());
  expect(warn.msg).toBe("MongoDB server unreachable");
  expect(warn.obj).toMatchObject({ server: "127.0.0.1:1" });
  expect(String((warn.obj as { err: Error }).err.message)).toMatch(/ECONNREFUSED/);
  await migrating;
}, 60_000);
