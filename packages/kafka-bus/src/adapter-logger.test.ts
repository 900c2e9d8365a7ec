import { recordingLogger } from "@chainlog/ports/contract";
import { expect, it } from "vitest";
import { createKafkaBus } from "./create-kafka-bus.ts";

// Nothing listens on port 1: the client's connection errors must reach the service's logger, not vanish.
it("writes kafkajs's connection errors to the logger it is given", async () => {
  const logger = recordingLogger();
  const bus = createKafkaBus({
    brokers: ["127.0.0.1:1"],
    clientId: "adapter-logger-test",
    retries: 1,
    connectionTimeoutMs: 1_000,
    logger,
  });
  try {
    await expect(bus.publish("t", [{ key: "k", value: Buffer.from("v"), headers: {} }])).rejects.toThrow(
      /ECONNREFUSED/,
    );
  } finally {
    await bus.close();
  }
  const refused = logger.entries.filter(
    (e) => e.level === "error" && /ECONNREFUSED 127\.0\.0\.1:1/.test(e.msg ?? ""),
  );
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.obj).toMatchObject({ kafkajs: expect.any(String) });
}, 60_000);
