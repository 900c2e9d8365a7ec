import type { AdapterLogger } from "@chainlog/ports";
import type { Admin } from "kafkajs";
import { withRetry } from "./with-retry.ts";

/**
 * startFrom "latest" means "from when consume() was called". Kafka resolves "latest" only at the first fetch,
 * after the group join, so messages published meanwhile would be skipped; committing the current ends for
 * partitions the group never committed closes that window. Only possible while the group has no members.
 */
export async function pinLatest(admin: Admin, topic: string, group: string, logger: AdapterLogger) {
  const committed = await withRetry(() => admin.fetchOffsets({ groupId: group, topics: [topic] }));
  const unset = new Set(
    committed.flatMap((t) => t.partitions.filter((p) => p.offset === "-1").map((p) => p.partition)),
  );
  if (unset.size === 0) return;
  const ends = await withRetry(() => admin.fetchTopicOffsets(topic));
  const partitions = ends
    .filter((p) => unset.has(p.partition))
    .map((p) => ({ partition: p.partition, offset: p.high }));
  try {
    await admin.setOffsets({ groupId: group, topic, partitions });
  } catch (error) {
    // a live member owns the group: its own "latest" reset applies, which is what Kafka would do anyway
    logger.warn({ topic, group, err: error }, "could not pin latest offsets for the group");
  }
}
