import { createCassandraStore } from "@chainlog/cassandra-store";
import { enginesForFile } from "@chainlog/engines/vitest";
import { describeProcessorEndToEnd } from "./test-support/describe-processor-e2e.ts";

const engines = enginesForFile(["cassandra"]);

describeProcessorEndToEnd("Cassandra", async () => {
  const store = createCassandraStore({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace: `chainlog_processor_${process.pid}_${Date.now().toString(36)}`,
  });
  return { store, cleanup: () => store.close() };
});
