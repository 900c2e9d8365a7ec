import type { AdapterLogger, ConsumeOptions, Subscription, TopicMessages } from "@chainlog/ports";
import type { Admin, Consumer, EachBatchPayload, Kafka } from "kafkajs";
import { pinLatest } from "./pin-latest.ts";
import { chunk, toConsumed } from "./to-consumed.ts";

export interface ConsumerSettings {
  defaultMaxBatchSize: number;
  /** First back-off after a failed onBatch; doubles up to maxRetryBackoffMs. */
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  joinTimeoutMs: number;
}

/**
 * A consumer-group member with manual commits: each chunk of a partition's batch goes to onBatch, and the
 * group's position moves past it only after onBatch resolved (at-least-once). A failing chunk is retried in
 * place, so later messages of that partition wait behind it and order holds.
 */
export async function startConsumer(
  kafka: Kafka,
  admin: Admin,
  options: ConsumeOptions,
  settings: ConsumerSettings,
  logger: AdapterLogger,
  publishAll: (batches: TopicMessages[]) => Promise<void>,
): Promise<Subscription> {
  const { topic, group, onBatch } = options;
  const startFrom = options.startFrom ?? "earliest";
  const maxBatchSize = options.maxBatchSize ?? settings.defaultMaxBatchSize;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new RangeError(`maxBatchSize must be a positive integer, not ${maxBatchSize}`);

  if (startFrom === "latest") await pinLatest(admin, topic, group, logger);

  const newConsumer = () =>
    kafka.consumer({
      groupId: group,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      // a short long-poll: close() waits for the fetch in flight, and new messages arrive sooner
      maxWaitTimeInMs: 1_000,
    });
  let consumer: Consumer = newConsumer();
  let closing = false;
  const wakers = new Set<() => void>();
  let inFlight: Promise<void> = Promise.resolve();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  const deliver = async (payload: EachBatchPayload, messages: ReturnType<typeof toConsumed>[]) => {
    let backoff = settings.retryBackoffMs;
    for (;;) {
      // heartbeats keep the membership alive while a long write runs; kafkajs throttles them itself
      const beat = setInterval(() => void payload.heartbeat().catch(() => {}), settings.heartbeatIntervalMs);
      // Kafka has no produce-and-commit in one write: the publishes go now, the commit once this returns
      let published = false;
      const context = {
        publishAllAndCommit: async (batches: TopicMessages[]) => {
          await publishAll(batches);
          published = true;
        },
      };
      try {
        await onBatch(messages, context);
        return true;
      } catch (error) {
        options.onError?.(error);
        // failed after its publishes: committed as the embedded bus does, not delivered again
        if (published) return true;
        // a consumer being closed leaves the batch uncommitted without a retry or its warning
        if (closing) return false;
        logger.warn(
          {
            topic,
            group,
            partition: payload.batch.partition,
            offset: messages[0]?.offset,
            err: error,
          },
          "onBatch failed; retrying the same batch",
        );
      } finally {
        clearInterval(beat);
      }
      if (closing || !payload.isRunning() || payload.isStale()) return false;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, settings.maxRetryBackoffMs);
      if (closing || !payload.isRunning() || payload.isStale()) return false;
    }
  };

  const eachBatch = async (payload: EachBatchPayload) => {
    const { batch } = payload;
    const all = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
    for (const messages of chunk(all, maxBatchSize)) {
      if (closing || !payload.isRunning() || payload.isStale()) return;
      const last = messages[messages.length - 1];
      if (!last) return;
      if (!(await deliver(payload, messages))) return;
      payload.resolveOffset(last.offset);
      // explicit offsets: with autoCommit off, commitOffsetsIfNecessary() without them commits nothing
      await payload.commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }],
          },
        ],
      });
      await payload.heartbeat();
    }
  };

  let joined: () => void = () => {};
  const joinedPromise = new Promise<void>((resolve) => {
    joined = resolve;
  });

  const run = async (member: Consumer) => {
    member.on(member.events.GROUP_JOIN, () => joined());
    member.on(member.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      logger.error({ topic, group, err: error, restart }, "Kafka consumer crashed");
      // kafkajs restarts a member only after retriable errors; after any other (a rebalance racing a dead
      // broker can raise one) it stays stopped for good while the process looks healthy. Replace it.
      if (!restart && member === consumer && !closing) void replace();
    });
    await member.connect();
    await member.subscribe({ topics: [topic], fromBeginning: startFrom === "earliest" });
    await member.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => {
        const batch = eachBatch(payload);
        inFlight = batch.catch(() => {});
        return batch;
      },
    });
  };

  // A fresh member resumes from the group's committed offsets: what the crashed one had not committed is
  // delivered again, which the idempotent store absorbs.
  let replacing: Promise<void> | null = null;
  const replace = () =>
    (replacing ??= (async () => {
      let backoff = settings.retryBackoffMs;
      while (!closing) {
        await inFlight;
        await consumer.disconnect().catch(() => {});
        await sleep(backoff);
        if (closing) return;
        consumer = newConsumer();
        try {
          await run(consumer);
          logger.warn(
            { topic, group },
            "Kafka consumer replaced after a crash kafkajs does not recover from",
          );
          return;
        } catch (error) {
          logger.warn({ topic, group, err: error }, "replacing the Kafka consumer failed; trying again");
          backoff = Math.min(backoff * 2, settings.maxRetryBackoffMs);
        }
      }
    })().finally(() => {
      replacing = null;
    }));

  await run(consumer);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), settings.joinTimeoutMs);
  });
  const late = await Promise.race([joinedPromise.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) logger.warn({ topic, group }, "consumer has not joined its group yet; it keeps trying");

  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        closing = true;
        for (const wake of [...wakers]) wake();
        await replacing;
        await inFlight;
        await consumer.disconnect();
      })();
      return closed;
    },
  };
}
