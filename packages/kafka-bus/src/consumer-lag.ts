import type { Admin } from "kafkajs";
import { withRetry } from "./with-retry.ts";

/** High watermark minus the group's committed offset, summed over partitions (whole partition if none). */
export async function consumerLag(admin: Admin, topic: string, group: string): Promise<number> {
  const [ends, committed] = await Promise.all([
    withRetry(() => admin.fetchTopicOffsets(topic)),
    withRetry(() => admin.fetchOffsets({ groupId: group, topics: [topic] })),
  ]);
  const byPartition = new Map<number, bigint>();
  for (const t of committed)
    for (const p of t.partitions) if (p.offset !== "-1") byPartition.set(p.partition, BigInt(p.offset));
  let lag = 0n;
  for (const p of ends) {
    const high = BigInt(p.high);
    const from = byPartition.get(p.partition) ?? BigInt(p.low);
    if (high > from) lag += high - from;
  }
  return Number(lag);
}
