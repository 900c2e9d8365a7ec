import type { TopicSpec } from "@chainlog/ports";
import type { Admin } from "kafkajs";
import { InvalidTopicSpecError } from "./errors.ts";
import type { BusLogger } from "./logger.ts";

/**
 * Creates the topics that are missing, with their partitions and replication factor; existing topics are left
 * as they are (growing partitions would move keys to other partitions and break per-block order), with a
 * warning when they differ from the spec.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  defaults: { replicationFactor: number },
  logger: BusLogger,
): Promise<void> {
  for (const spec of specs) {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1)
      throw new InvalidTopicSpecError(
        spec.name,
        `partitions must be a positive integer, not ${spec.partitions}`,
      );
    const rf = spec.replicationFactor ?? defaults.replicationFactor;
    if (!Number.isInteger(rf) || rf < 1)
      throw new InvalidTopicSpecError(spec.name, `replication factor must be a positive integer, not ${rf}`);
  }
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => {
          const rf = s.replicationFactor ?? defaults.replicationFactor;
          return {
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: rf,
            // acks=all then survives one broker down with RF 3, and still refuses writes to a lone replica
            configEntries: [{ name: "min.insync.replicas", value: String(rf >= 3 ? 2 : 1) }],
          };
        }),
      });
    } catch (error) {
      // another process created it between listTopics and createTopics: that is the state we want
      if (!isTopicExists(error)) throw error;
    }
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length === 0) return;
  const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
  for (const t of meta.topics) {
    const spec = present.find((s) => s.name === t.name);
    if (spec && t.partitions.length !== spec.partitions)
      logger.warn(
        { topic: t.name, partitions: t.partitions.length, wanted: spec.partitions },
        "topic exists with another partition count; left unchanged",
      );
  }
}

function isTopicExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: Array<{ type?: string }> } | undefined;
  if (e?.type === "TOPIC_ALREADY_EXISTS") return true;
  return (
    Array.isArray(e?.errors) &&
    e.errors.length > 0 &&
    e.errors.every((x) => x.type === "TOPIC_ALREADY_EXISTS")
  );
}
