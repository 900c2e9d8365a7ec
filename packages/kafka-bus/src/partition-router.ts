import type { OutgoingMessage } from "@chainlog/ports";
import { type Admin, Partitioners, type PartitionMetadata } from "kafkajs";
import { TopicMetadataError } from "./errors.ts";

/** How long a topic's partition list is trusted: kafkajs' own metadata max age. */
const METADATA_MAX_AGE_MS = 300_000;

/**
 * Splits a topic's messages by partition, as kafkajs' default partitioner (murmur2 of the key, the Java client's
 * mapping) would, keeping their order within each partition, so that every send() targets a single partition.
 *
 * Why: kafkajs 2.2.4 keeps each broker's answer across the retries of one send(). When a leader dies mid-send, its
 * partitions move to a broker that already answered for other partitions; the retry skips that broker, sends the
 * moved partitions nowhere and resolves, so their messages are lost without an error (kafkajs PR #1798). A send()
 * of one partition has one leader at a time, so its retry always goes to the partition's current leader.
 */
export function createPartitionRouter(getAdmin: () => Promise<Admin>) {
  const partitioner = Partitioners.DefaultPartitioner();
  const cache = new Map<string, { at: number; partitions: Promise<PartitionMetadata[]> }>();

  const partitionsOf = (topic: string): Promise<PartitionMetadata[]> => {
    const hit = cache.get(topic);
    if (hit && Date.now() - hit.at < METADATA_MAX_AGE_MS) return hit.partitions;
    const partitions = getAdmin()
      .then((admin) => admin.fetchTopicMetadata({ topics: [topic] }))
      .then(({ topics }) => {
        const found = topics.find((t) => t.name === topic)?.partitions ?? [];
        if (found.length === 0) throw new TopicMetadataError(topic);
        return found;
      });
    cache.set(topic, { at: Date.now(), partitions });
    // a failed lookup is not kept; a newer one made meanwhile (after forget) stays
    partitions.catch(() => {
      if (cache.get(topic)?.partitions === partitions) cache.delete(topic);
    });
    return partitions;
  };

  return {
    /** Partition → its messages, in the order given. */
    async route(topic: string, messages: OutgoingMessage[]): Promise<Map<number, OutgoingMessage[]>> {
      const partitionMetadata = await partitionsOf(topic);
      const out = new Map<number, OutgoingMessage[]>();
      for (const m of messages) {
        const partition = partitioner({
          topic,
          partitionMetadata,
          message: { key: m.key, value: m.value },
        });
        const list = out.get(partition);
        if (list) list.push(m);
        else out.set(partition, [m]);
      }
      return out;
    },
    /** Drops the topic's partition list (after a failed send: it may have gained partitions). */
    forget(topic: string) {
      cache.delete(topic);
    },
  };
}
