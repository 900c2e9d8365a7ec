/** A message as producers hand it to the bus: the key decides the partition, and so the order. */
export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** One topic's share of a publishAll. */
export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export interface ConsumedMessage extends OutgoingMessage {
  topic: string;
  partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets are int64). */
  offset: string;
  /** Milliseconds since the epoch, when the bus stored it. */
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Ignored by single-node buses. */
  replicationFactor?: number;
}

export interface ConsumeOptions {
  topic: string;
  /** Consumer group: members share the partitions; committed positions are per group. */
  group: string;
  /**
   * Where a group with no committed position starts. Default "earliest". Live readers use "latest". A "latest"
   * position is fixed by the time consume() resolves: a message published after that is delivered.
   */
  startFrom?: "earliest" | "latest";
  /** Upper bound on a batch, so memory stays bounded. */
  maxBatchSize?: number;
  /**
   * Messages of one partition, in offset order. The group's position advances past them only after this
   * resolves; if it throws, or the process dies, they are delivered again (at-least-once).
   */
  onBatch: (batch: ConsumedMessage[], context: BatchContext) => Promise<void>;
  /** Called when onBatch throws; the subscription then retries the same batch after a back-off. */
  onError?: (error: unknown) => void;
}

/** What onBatch may do with the bus beyond reading its batch. */
export interface BatchContext {
  /**
   * Publishes as Bus.publishAll does and commits the group's position past this batch in the same write where the
   * bus can (embedded: one transaction and one fsync for both, and the publishes never land without the commit
   * or the other way round; Kafka: the publishes, then the commit after onBatch resolves, as without it). Call it
   * last: once it resolved the batch may already be committed, so an onBatch that throws afterwards is not
   * delivered again. A member that lost its group meanwhile still publishes, but commits nothing.
   */
  publishAllAndCommit(batches: TopicMessages[]): Promise<void>;
}

export interface Subscription {
  /** Stops fetching, waits for the batch in flight to finish and commit, then leaves the group. */
  close(): Promise<void>;
}

export interface Bus {
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Resolves only once every message is durably stored (for Kafka: acks=all, idempotent producer). */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /**
   * Several topics' messages, each topic's in order, resolving as publish does: in one write where the bus has
   * one (embedded: one transaction and one fsync instead of one per topic; Kafka: one send after another).
   */
  publishAll(batches: TopicMessages[]): Promise<void>;
  /** Resolves once this member has joined its group (it may be a standby while another member holds it). */
  consume(options: ConsumeOptions): Promise<Subscription>;
  /**
   * Messages stored but not yet committed by the group, summed over partitions. A group that never committed
   * counts everything still stored.
   */
  consumerLag(topic: string, group: string): Promise<number>;
  close(): Promise<void>;
}
