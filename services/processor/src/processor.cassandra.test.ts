import { createCassandraStore } from "@chainlog/cassandra-store";
import { type TestEngines, testEngines } from "@chainlog/engines";
import { afterAll, beforeAll } from "vitest";
import { describeProcessorEndToEnd } from "./test-support/describe-processor-e2e.ts";

let engines: TestEngines;

beforeAll(async () => {
  engines = await testEngines(["cassandra"]);
}, 600_000);

afterAll(async () => {
  await engines?.stop();
}, 120_000);

describeProcessorEndToEnd("Cassandra", async () => {
  const store = createCassandraStore({
    contactPoints: engines.cassandraContactPoints,
    localDataCenter: engines.cassandraLocalDc,
    port: engines.cassandraPort,
    keyspace: `chainlog_processor_${process.pid}_${Date.now().toString(36)}`,
  });
  return { store, cleanup: () => store.close() };
});
