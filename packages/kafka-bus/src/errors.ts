import { ChainlogError } from "@chainlog/tx-schema";

export class BusClosedError extends ChainlogError {
  override name = "BusClosedError";
  constructor() {
    super("the Kafka bus is closed");
  }
}

export class InvalidTopicSpecError extends ChainlogError {
  override name = "InvalidTopicSpecError";
  constructor(topic: string, reason: string) {
    super(`invalid topic spec for ${topic}: ${reason}`);
  }
}

/** The bus's settings cannot reach a cluster (no brokers, an auth mode without what it needs). */
export class KafkaConfigError extends ChainlogError {
  override name = "KafkaConfigError";
}

/** A leader election still running when the deadline came: the cluster may settle, so a retry may succeed. */
export class TopicLeadersTimeoutError extends ChainlogError {
  override name = "TopicLeadersTimeoutError";
  constructor(topics: string[], timeoutMs: number, cause?: unknown) {
    super(`topics ${topics.join(", ")} have no leaders after ${timeoutMs} ms`, { cause, retryable: true });
  }
}
