import type {
  AdapterLogger,
  Bus,
  ConsumeOptions,
  OutgoingMessage,
  Subscription,
  TopicMessages,
  TopicSpec,
} from "@chainlog/ports";
import { type Admin, CompressionTypes, Kafka, logLevel, Partitioners, type Producer } from "kafkajs";
import { startConsumer } from "./consume.ts";
import { consumerLag } from "./consumer-lag.ts";
import { ensureTopics } from "./ensure-topics.ts";
import { BusClosedError, KafkaConfigError } from "./errors.ts";
import { type KafkaAuth, kafkaAuthOptions, type MskTokenGenerator } from "./kafka-auth.ts";
import { createPartitionRouter } from "./partition-router.ts";
import { chunkByBytes } from "./publish-chunks.ts";

export interface KafkaBusParameters {
  /** host:port of one or more brokers. */
  brokers: string[];
  clientId: string;
  /** The service's logger: kafkajs's warnings and errors (lost brokers, rebalances) are written to it. */
  logger: AdapterLogger;
  /** For topic specs that name none. Default 1 (single broker); 3 on a three-broker cluster. */
  replicationFactor?: number;
  /** Upper bound on an onBatch call when ConsumeOptions names none. Default 500. */
  maxBatchSize?: number;
  /** Default 30 s: how long a member may go silent before the group moves its partitions. */
  sessionTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Client retries of a failing request (metadata, produce, offsets) before the call rejects. Default 10. */
  retries?: number;
  /** Default none (plaintext). */
  auth?: KafkaAuth;
  /** Makes MSK IAM tokens; default AWS's signer. */
  mskTokenGenerator?: MskTokenGenerator;
}

export type KafkaBus = Bus;

/** The Bus port on Kafka. */
export function createKafkaBus(params: KafkaBusParameters): KafkaBus {
  if (params.brokers.length === 0) throw new KafkaConfigError("createKafkaBus: no brokers given");
  const logger = params.logger;
  const kafka = new Kafka({
    clientId: params.clientId,
    brokers: params.brokers,
    ...kafkaAuthOptions(params.auth ?? { mechanism: "none" }, params.mskTokenGenerator),
    connectionTimeout: params.connectionTimeoutMs ?? 10_000,
    retry: { retries: params.retries ?? 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      const obj = { kafkajs: entry.namespace, ...rest };
      if (entry.level === logLevel.ERROR) logger.error(obj, message);
      else if (entry.level === logLevel.WARN) logger.warn(obj, message);
      else logger.info(obj, message);
    },
  });

  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;
  let closed = false;
  const subscriptions = new Set<Subscription>();
  // kafkajs' idempotent producer keeps one sequence per partition; overlapping send() calls can reorder
  // and trip OUT_OF_ORDER_SEQUENCE, so publishes go one at a time (each is already a batch)
  let publishQueue: Promise<unknown> = Promise.resolve();

  const getProducer = () => {
    producer ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      return p;
    })();
    producer.catch(() => {
      producer = undefined;
    });
    return producer;
  };
  const getAdmin = () => {
    admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })();
    admin.catch(() => {
      admin = undefined;
    });
    return admin;
  };
  const router = createPartitionRouter(getAdmin);
  const assertOpen = () => {
    if (closed) throw new BusClosedError();
  };

  const publishAll = (batches: TopicMessages[]): Promise<void> => {
    if (closed) return Promise.reject(new BusClosedError());
    const filled = batches.filter((b) => b.messages.length > 0);
    if (filled.length === 0) return Promise.resolve();
    const send = publishQueue.then(async () => {
      const p = await getProducer();
      // acks -1: every in-sync replica has it before send() resolves. One send() per partition (see
      // partition-router.ts), the partitions side by side; a partition's chunks go one after another, so the
      // order of its messages holds across them. Gzip keeps large JSON blocks well under the size limit.
      for (const { topic, messages } of filled) {
        const byPartition = await router.route(topic, messages);
        // all settled before rejecting: a partition's send still in flight would overlap the retry's
        const sent = await Promise.allSettled(
          [...byPartition].map(async ([partition, list]) => {
            for (const chunk of chunkByBytes(list))
              await p.send({
                topic,
                acks: -1,
                compression: CompressionTypes.GZIP,
                messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers, partition })),
              });
          }),
        );
        const failed = sent.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) {
          router.forget(topic);
          throw failed.reason;
        }
      }
    });
    publishQueue = send.catch(() => {});
    return send;
  };

  return {
    async ensureTopics(topics: TopicSpec[]) {
      assertOpen();
      await ensureTopics(
        await getAdmin(),
        topics,
        { replicationFactor: params.replicationFactor ?? 1 },
        logger,
      );
    },

    publish(topic: string, messages: OutgoingMessage[]) {
      return publishAll([{ topic, messages }]);
    },

    publishAll,

    async consume(options: ConsumeOptions) {
      assertOpen();
      const sub = await startConsumer(
        kafka,
        await getAdmin(),
        options,
        {
          defaultMaxBatchSize: params.maxBatchSize ?? 500,
          retryBackoffMs: 500,
          maxRetryBackoffMs: 30_000,
          sessionTimeoutMs: params.sessionTimeoutMs ?? 30_000,
          heartbeatIntervalMs: 3_000,
          joinTimeoutMs: 60_000,
        },
        logger,
        publishAll,
      );
      const tracked: Subscription = {
        async close() {
          subscriptions.delete(tracked);
          await sub.close();
        },
      };
      subscriptions.add(tracked);
      return tracked;
    },

    async consumerLag(topic: string, group: string) {
      assertOpen();
      return consumerLag(await getAdmin(), topic, group);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      await publishQueue;
      const [p, a] = await Promise.allSettled([producer, admin]);
      if (p.status === "fulfilled" && p.value) await p.value.disconnect();
      if (a.status === "fulfilled" && a.value) await a.value.disconnect();
    },
  };
}
