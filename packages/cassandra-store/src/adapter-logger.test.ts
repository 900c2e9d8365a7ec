import { recordingLogger, untilLogged } from "@chainlog/ports/contract";
import { expect, it } from "vitest";
import { createCassandraStore } from "./create-cassandra-store.ts";

// Nothing listens on port 1: the driver's failed connections must reach the service's logger, not vanish.
it("writes the driver's connection warnings, with their error, to the logger it is given", async () => {
  const logger = recordingLogger();
  const store = createCassandraStore({
    contactPoints: ["127.0.0.1:1"],
    localDataCenter: "dc1",
    keyspace: "adapter_logger_test",
    logger,
  });
  // migrate keeps trying to reach the cluster; only its connection warnings matter here
  store.migrate().catch(() => {});
  const warn = await untilLogged(logger, "warn").finally(() => store.close());
  expect(warn.msg).toMatch(/127\.0\.0\.1:1/);
  expect(warn.obj).toMatchObject({ cassandra: "Connection" });
  expect(String((warn.obj as { err: Error }).err.message)).toMatch(/ECONNREFUSED/);
}, 60_000);
