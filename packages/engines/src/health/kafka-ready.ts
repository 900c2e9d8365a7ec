import { Kafka, logLevel } from "kafkajs";
import { EngineNotReadyError } from "../errors.ts";

/** One probe: true when the cluster answers and `expectBrokers` brokers are registered. */
export async function kafkaReady(brokers: string[], expectBrokers: number): Promise<boolean> {
  const admin = new Kafka({
    clientId: "chainlog-engines-health",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length < expectBrokers)
      throw new EngineNotReadyError(`${cluster.brokers.length} of ${expectBrokers} brokers registered`);
    return cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
