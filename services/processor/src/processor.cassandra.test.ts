import { createCassandraStore } from "@chainlog/cassandra-store";
import { enginesForFile } from "@chainlog/engines/vitest";
import { createLogger } from "@chainlog/telemetry";
import { describeProcessorEndToEnd } from "./test-support/describe-processor-e2e.ts";

const logger = createLogger("processor-cassandra-test", process.env.TEST_LOG_LEVEL ?? "silent");

const engines = enginesForFile(["cassandra"]);

describeProcessorEndToEnd("Cassandra", async () => {
  const store = createCassandraStore({
    logger,
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace: `chainlog_processor_${process.pid}_${Date.now().toString(36)}`,
  });
  return { store, cleanup: () => store.close() };
});
