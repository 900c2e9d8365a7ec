import type { AdapterLogger, TopicSpec } from "@chainlog/ports";
import { backoffMs, sleep } from "@chainlog/telemetry";
import type { Admin } from "kafkajs";
import { InvalidTopicSpecError, TopicLeadersTimeoutError } from "./errors.ts";
import { withRetry } from "./with-retry.ts";

/** A block envelope of a busy mainnet block can pass Kafka's 1 MB default; the topic accepts up to this. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Creates the topics that are missing, with their partitions and replication factor; existing topics are left
 * as they are (growing partitions would move keys to other partitions and break per-block order), with a
 * warning when they differ from the spec.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  defaults: { replicationFactor: number },
  logger: AdapterLogger,
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
      // waitForLeaders gives up when a broker has not learned the topic yet ("unknown topic or partition"),
      // which a loaded three-broker cluster does; leaders are polled below instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => {
          const rf = s.replicationFactor ?? defaults.replicationFactor;
          return {
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: rf,
            // acks=all then survives one broker down with RF 3, and still refuses writes to a lone replica
            configEntries: [
              { name: "min.insync.replicas", value: String(rf >= 3 ? 2 : 1) },
              { name: "max.message.bytes", value: String(MAX_MESSAGE_BYTES) },
            ],
          };
        }),
      });
    } catch (error) {
      // another process created it between listTopics and createTopics: that is the state we want
      if (!isTopicExists(error)) throw error;
    }
    await waitForLeaders(
      admin,
      missing.map((s) => s.name),
    );
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length === 0) return;
  const meta = await withRetry(() => admin.fetchTopicMetadata({ topics: present.map((s) => s.name) }));
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

/** Until every partition of the topics has a leader, so the first publish does not race the election. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      const ready =
        meta.topics.length === topics.length &&
        meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (error) {
      // unknown topic on a broker that has not caught up yet: retried until the deadline
      lastError = error;
    }
    if (Date.now() >= deadline) throw new TopicLeadersTimeoutError(topics, timeoutMs, lastError);
    await sleep(backoffMs(attempt, { firstDelayMs: 100, maxDelayMs: 2_000 }));
  }
}
