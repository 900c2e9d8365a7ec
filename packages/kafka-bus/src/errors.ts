import { errorClass } from "@chainlog/tx-schema";

export class BusClosedError extends errorClass("BusClosedError", () => "the Kafka bus is closed") {}

export class InvalidTopicSpecError extends errorClass(
  "InvalidTopicSpecError",
  (topic: string, reason: string) => `invalid topic spec for ${topic}: ${reason}`,
) {}

/** The bus's settings cannot reach a cluster (no brokers, an auth mode without what it needs). */
export class KafkaConfigError extends errorClass("KafkaConfigError") {}

/** A leader election still running when the deadline came: the cluster may settle, so a retry may succeed. */
export class TopicLeadersTimeoutError extends errorClass(
  "TopicLeadersTimeoutError",
  (topics: string[], timeoutMs: number, cause?: unknown) => [
    `topics ${topics.join(", ")} have no leaders after ${timeoutMs} ms`,
    { cause, retryable: true },
  ],
) {}

/** The cluster's metadata names no partition of a topic the bus is asked to publish to (missing, or being created). */
export class TopicMetadataError extends errorClass("TopicMetadataError", (topic: string) => [
  `topic ${topic} has no partitions in the cluster's metadata`,
  { retryable: true },
]) {}
