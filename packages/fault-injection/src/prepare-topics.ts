import { setTimeout as sleep } from "node:timers/promises";
import { Topics } from "@chainlog/tx-schema";
import { Kafka, logLevel } from "kafkajs";

/**
 * Creates the pipeline's topics before any service starts, and waits until every broker serves their metadata
 * with a leader for each partition. Without it, on three brokers, processor and ingest race to create them and
 * `createTopics({ waitForLeaders: true })` / `fetchTopicMetadata` can hit a broker that does not know the topic
 * yet (UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry there), which kills the service at start.
 */
export async function prepareTopics(params: {
  brokers: string[];
  partitions: number;
  replicationFactor: number;
  timeoutMs?: number;
}): Promise<void> {
  const topics = [
    { topic: Topics.blocks, numPartitions: params.partitions },
    { topic: Topics.processed, numPartitions: params.partitions },
    { topic: `${Topics.blocks}.parked`, numPartitions: 1 },
  ].map((t) => ({
    ...t,
    replicationFactor: params.replicationFactor,
    configEntries: [{ name: "min.insync.replicas", value: String(params.replicationFactor >= 3 ? 2 : 1) }],
  }));
  const deadline = Date.now() + (params.timeoutMs ?? 120_000);
  const admin = new Kafka({
    brokers: params.brokers,
    clientId: "fault-injection",
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    // waitForLeaders retries LEADER_NOT_AVAILABLE only: a broker that has not learned the topic yet answers
    // UNKNOWN_TOPIC_OR_PARTITION and kafkajs throws it. The per-broker poll below does the waiting.
    await admin.createTopics({ topics, waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
  for (const broker of params.brokers) {
    const one = new Kafka({
      brokers: [broker],
      clientId: "fault-injection",
      logLevel: logLevel.NOTHING,
    }).admin();
    await one.connect();
    try {
      for (;;) {
        try {
          const meta = await one.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
          if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
            break;
        } catch {
          // not known to this broker yet
        }
        if (Date.now() > deadline) throw new Error(`broker ${broker} never served the pipeline's topics`);
        await sleep(250);
      }
    } finally {
      await one.disconnect();
    }
  }
}
