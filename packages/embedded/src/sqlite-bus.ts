import { EventEmitter } from "node:events";
import type {
  Bus,
  ConsumeOptions,
  OutgoingMessage,
  Subscription,
  TopicMessages,
  TopicSpec,
} from "@chainlog/ports";
import { migrateBus } from "./bus-schema.ts";
import { SqliteSubscription, type SubscriptionTimings } from "./bus-subscription.ts";
import { BusClosedError, InvalidMessageError, UnknownTopicError } from "./errors.ts";
import { partitionOf } from "./murmur2.ts";
import { num, openDatabase, prepareRaw, text, writeTransaction } from "./sqlite.ts";

export interface SqliteBusOptions extends Partial<SubscriptionTimings> {
  /** The bus database file; every process that opens the same file shares the topics. */
  path: string;
  /** How often this process runs trim() with the default group retention. Default 60 s; 0 turns it off. */
  retentionIntervalMs?: number;
}

export interface TrimOptions {
  /** A group not seen (no live lease) for this long no longer holds messages back. Default 7 days. */
  groupRetentionMs?: number;
}

export interface SqliteBus extends Bus {
  /**
   * Retention: deletes the messages every group has committed, and forgets groups idle for longer than
   * groupRetentionMs. Messages no group has read yet are kept. Safe to run from any process at any time; runs by
   * itself every retentionIntervalMs.
   */
  trim(options?: TrimOptions): Promise<{ deleted: number }>;
}

const DAY = 86_400_000;
const TRIM_CHUNK = 10_000;

/**
 * A Kafka-shaped bus in one SQLite file: keyed messages in partitions (same partitioner as Kafka), dense
 * offsets, consumer groups with committed positions, at-least-once delivery. Works across processes: consumers
 * poll the log, so another process's message is seen within pollIntervalMs.
 */
export function createSqliteBus(options: SqliteBusOptions): SqliteBus {
  const timings: SubscriptionTimings = {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    pollIntervalMs: options.pollIntervalMs ?? 25,
    standbyPollMs: options.standbyPollMs ?? 250,
    retryDelayMs: options.retryDelayMs ?? 100,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
  };
  const db = openDatabase(options.path);
  migrateBus(db);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const subscriptions = new Set<SqliteSubscription>();
  let closed = false;

  const q = {
    topic: prepareRaw(db, "SELECT partitions FROM topics WHERE name = ?"),
    upsertTopic: prepareRaw(
      db,
      `INSERT INTO topics (name, partitions) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET partitions = max(partitions, excluded.partitions)`,
    ),
    addPartition: prepareRaw(
      db,
      "INSERT OR IGNORE INTO partitions (topic, partition, next_offset, low_offset) VALUES (?, ?, 0, 0)",
    ),
    partitions: prepareRaw(
      db,
      "SELECT partition, next_offset, low_offset FROM partitions WHERE topic = ? ORDER BY partition",
    ),
    setNext: prepareRaw(db, "UPDATE partitions SET next_offset = ? WHERE topic = ? AND partition = ?"),
    insert: prepareRaw(
      db,
      "INSERT INTO messages (topic, partition, offset, key, value, headers, ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    lagPositions: prepareRaw(db, "SELECT partition, offset FROM positions WHERE grp = ? AND topic = ?"),
    topics: prepareRaw(db, "SELECT name FROM topics"),
    staleGroups: prepareRaw(
      db,
      `SELECT DISTINCT p.grp, p.topic FROM positions p
       LEFT JOIN leases l ON l.grp = p.grp AND l.topic = p.topic
       WHERE coalesce(l.expires_at, p.updated_at) < ?`,
    ),
    dropGroup: prepareRaw(db, "DELETE FROM positions WHERE grp = ? AND topic = ?"),
    dropLease: prepareRaw(db, "DELETE FROM leases WHERE grp = ? AND topic = ?"),
    groupsOf: prepareRaw(db, "SELECT DISTINCT grp FROM positions WHERE topic = ?"),
    minPosition: prepareRaw(
      db,
      "SELECT count(*), min(offset) FROM positions WHERE topic = ? AND partition = ?",
    ),
    deleteBelow: prepareRaw(db, "DELETE FROM messages WHERE topic = ? AND partition = ? AND offset < ?"),
    setLow: prepareRaw(db, "UPDATE partitions SET low_offset = ? WHERE topic = ? AND partition = ?"),
  };

  /*
   * Deletes in chunks of TRIM_CHUNK offsets, each its own transaction, so a first trim after a long time never
   * holds the write lock long enough to stall publishers in other processes.
   */
  const trim = (trimOptions: TrimOptions): number => {
    const cutoff = Date.now() - (trimOptions.groupRetentionMs ?? 7 * DAY);
    const targets = writeTransaction(db, () => {
      for (const [grp, topic] of q.staleGroups.all([cutoff])) {
        q.dropGroup.run([grp as string, topic as string]);
        q.dropLease.run([grp as string, topic as string]);
      }
      const out: { topic: string; partition: number; low: number; upTo: number }[] = [];
      for (const [topic] of q.topics.all()) {
        const name = String(topic);
        const groups = q.groupsOf.all([name]).length;
        if (groups === 0) continue;
        for (const r of q.partitions.all([name])) {
          const [partition, low] = [num(r[0]), num(r[2])];
          const [count, min] = q.minPosition.get([name, partition]) ?? [0, null];
          // A group without a position here has not read this partition yet: keep everything.
          if (num(count) < groups || min === null || num(min) <= low) continue;
          out.push({ topic: name, partition, low, upTo: num(min) });
        }
      }
      return out;
    });
    let deleted = 0;
    for (const t of targets)
      for (let from = t.low; from < t.upTo; from += TRIM_CHUNK) {
        const to = Math.min(t.upTo, from + TRIM_CHUNK);
        writeTransaction(db, () => {
          deleted += q.deleteBelow.run([t.topic, t.partition, to]).changes;
          q.setLow.run([to, t.topic, t.partition]);
        });
      }
    return deleted;
  };

  // Retention runs by itself in every process that has the bus open; concurrent runs are harmless.
  const retentionMs = options.retentionIntervalMs ?? 60_000;
  const retentionTimer =
    retentionMs > 0
      ? setInterval(() => {
          try {
            if (!closed) trim({});
          } catch {
            // Busy or failing disk: the next run catches up; nothing is lost by trimming late.
          }
        }, retentionMs)
      : null;
  retentionTimer?.unref();

  const ensureOpen = () => {
    if (closed) throw new BusClosedError();
  };

  const partitionCount = (topic: string): number => {
    const row = q.topic.get([topic]);
    if (!row) throw new UnknownTopicError(topic);
    return num(row[0]);
  };

  const validate = (m: OutgoingMessage, i: number) => {
    if (typeof m?.key !== "string") throw new InvalidMessageError(`message ${i}: key must be a string`);
    if (!Buffer.isBuffer(m.value)) throw new InvalidMessageError(`message ${i}: value must be a Buffer`);
    if (typeof m.headers !== "object" || m.headers === null)
      throw new InvalidMessageError(`message ${i}: headers must be an object`);
    for (const [k, v] of Object.entries(m.headers))
      if (typeof v !== "string")
        throw new InvalidMessageError(`message ${i}: header ${JSON.stringify(k)} must be a string`);
  };

  /**
   * Validates and writes the batches inside one write transaction, with `alsoInside` (a consumer's position
   * commit) in the same transaction; the topics published to are announced once it is committed.
   */
  const publishWith = <T>(batches: TopicMessages[], alsoInside: () => T): T => {
    ensureOpen();
    for (const b of batches) b.messages.forEach(validate);
    const filled = batches.filter((b) => b.messages.length > 0);
    const result = writeTransaction(db, () => {
      const now = Date.now();
      for (const { topic, messages } of filled) {
        const next = q.partitions.all([topic]).map((r) => num(r[1]));
        if (next.length === 0) throw new UnknownTopicError(topic);
        const touched = new Set<number>();
        for (const m of messages) {
          const p = partitionOf(m.key, next.length);
          const offset = next[p]!;
          q.insert.run([topic, p, offset, text(m.key), m.value, JSON.stringify(m.headers), now]);
          next[p] = offset + 1;
          touched.add(p);
        }
        for (const p of touched) q.setNext.run([next[p]!, topic, p]);
      }
      return alsoInside();
    });
    // COMMIT has returned with synchronous=FULL: the rows are in the fsynced WAL.
    for (const { topic } of filled) events.emit("published", topic);
    return result;
  };

  const publishAll = async (batches: TopicMessages[]): Promise<void> => {
    ensureOpen();
    // nothing to write: no transaction
    if (batches.every((b) => b.messages.length === 0)) return;
    publishWith(batches, () => undefined);
  };

  return {
    async ensureTopics(topics: TopicSpec[]) {
      ensureOpen();
      for (const t of topics)
        if (!t.name || !Number.isInteger(t.partitions) || t.partitions < 1)
          throw new InvalidMessageError(
            `topic ${JSON.stringify(t.name)}: partitions must be a positive integer`,
          );
      writeTransaction(db, () => {
        for (const t of topics) {
          q.upsertTopic.run([t.name, t.partitions]);
          const count = partitionCount(t.name);
          for (let p = 0; p < count; p++) q.addPartition.run([t.name, p]);
        }
      });
    },

    async publish(topic, messages) {
      await publishAll([{ topic, messages }]);
    },

    publishAll,

    async consume(consumeOptions: ConsumeOptions): Promise<Subscription> {
      ensureOpen();
      partitionCount(consumeOptions.topic);
      const sub = new SqliteSubscription(db, events, consumeOptions, timings, publishWith, (s) =>
        subscriptions.delete(s),
      );
      subscriptions.add(sub);
      sub.start();
      return sub;
    },

    async consumerLag(topic, group) {
      ensureOpen();
      const positions = new Map(q.lagPositions.all([group, topic]).map((r) => [num(r[0]), num(r[1])]));
      let lag = 0;
      for (const r of q.partitions.all([topic])) {
        const [partition, next, low] = [num(r[0]), num(r[1]), num(r[2])];
        lag += next - Math.max(low, positions.get(partition) ?? low);
      }
      return lag;
    },

    async trim(trimOptions: TrimOptions = {}) {
      ensureOpen();
      return { deleted: trim(trimOptions) };
    },

    async close() {
      if (closed) return;
      await Promise.all([...subscriptions].map((s) => s.close()));
      closed = true;
      if (retentionTimer) clearInterval(retentionTimer);
      db.close();
    },
  };
}
