import { hostname } from "node:os";
import type {
  BatchContext,
  Bus,
  ChainWriter,
  ConsumedMessage,
  IndexedBlock,
  OperationalState,
  Subscription,
} from "@chainlog/ports";
import type { Logger, Registry } from "@chainlog/telemetry";
import {
  type BlockEnvelope,
  type BusEnvelope,
  decodeEnvelope,
  encodeProcessed,
  encodeStored,
  type ProcessedEnvelope,
  type StoredBlockEnvelope,
  Topics,
} from "@chainlog/tx-schema";
import { createEnricher, type EnricherParameters } from "./enrich/create-enricher.ts";
import { indexBlock, processedEnvelope } from "./index-block.ts";
import { createLeaderFence } from "./leader-fence.ts";
import { createProcessorMetrics } from "./metrics.ts";
import { createHeightWatch } from "./status/height-watch.ts";

/** Messages that fail validation go here with the reason in a header: kept for inspection, never retried. */
export const PARKED_TOPIC = `${Topics.blocks}.parked`;
export const PARKED_REASON_HEADER = "chainlog-parked-reason";

export interface CreateProcessorParameters {
  bus: Bus;
  store: ChainWriter & OperationalState;
  logger: Logger;
  metrics: Registry;
  group?: string;
  /** Partitions of the topics the processor creates when missing (BUS_PARTITIONS). Default 8. */
  partitions?: number;
  /** Messages per bus batch. Default 200. */
  maxBatchSize?: number;
  /** Blocks per store write. Default 50. */
  maxBlocksPerWrite?: number;
  /** How often consumer lag and blocks/s are sampled. Default 5 s. */
  sampleIntervalMs?: number;
  /** Not ready when lag stays above zero without progress for this long. Default 60 s. */
  stuckAfterMs?: number;
  /**
   * The enrichment stage (pool tokens, prices, traces, balances, token metadata), run beside the raw one in its
   * own consumer group. null: not run in this process (the blocks stay marked pending until one runs).
   */
  enrich?: Omit<EnricherParameters, "bus" | "store" | "logger" | "metrics"> | null;
  /** Name in the pipeline status reports (POD_NAME). Default hostname:pid. */
  instance?: string;
  /** How often a ProcessorStatus is written to the store. Default 5 s. */
  statusIntervalMs?: number;
}

export interface Processor {
  start(): Promise<void>;
  /** Finishes and commits the batch in flight, then stops consuming. Does not close the bus or store. */
  close(): Promise<void>;
  /** Subscribed, and not stuck (lag without progress). */
  ready(): boolean;
  readonly stats: ProcessorStats;
}

export interface ProcessorStats {
  blocks: number;
  rollbacks: number;
  tokenTransfers: number;
  invalidMessages: number;
  /** Messages of a deposed ingest leader that landed after its successor's, dropped (see leader-fence.ts). */
  fencedMessages: number;
  lastBlock: number | null;
  lag: number | null;
  lastProgressAt: number;
  blocksPerSecond: number;
}

export function createProcessor(params: CreateProcessorParameters): Processor {
  const { bus, store, logger } = params;
  const group = params.group ?? "processor";
  const maxBlocksPerWrite = params.maxBlocksPerWrite ?? 50;
  const stuckAfterMs = params.stuckAfterMs ?? 60_000;
  const m = createProcessorMetrics(params.metrics);
  const stats: ProcessorStats = {
    blocks: 0,
    rollbacks: 0,
    tokenTransfers: 0,
    invalidMessages: 0,
    fencedMessages: 0,
    lastBlock: null,
    lag: null,
    lastProgressAt: Date.now(),
    blocksPerSecond: 0,
  };
  const instance = params.instance ?? `${hostname()}:${process.pid}`;
  const enricher = params.enrich
    ? createEnricher({ ...params.enrich, bus, store, metrics: m, logger: logger.child({ stage: "enrich" }) })
    : null;
  const heights = createHeightWatch(store);
  const fence = createLeaderFence();
  let subscription: Subscription | null = null;
  let sampler: NodeJS.Timeout | null = null;
  let reporter: NodeJS.Timeout | null = null;

  const countEvents = (indexed: IndexedBlock, syncs: number) => {
    m.events.inc({ kind: "token_transfer" }, indexed.tokenTransfers.length);
    m.events.inc({ kind: "approval" }, indexed.approvals.length);
    m.events.inc({ kind: "weth" }, indexed.wethEvents.length);
    m.events.inc({ kind: "vault" }, indexed.vaultEvents?.length ?? 0);
    m.events.inc({ kind: "swap" }, indexed.swaps.length);
    m.events.inc({ kind: "sync" }, syncs);
    m.events.inc({ kind: "contract_creation" }, indexed.contractCreations.length);
    m.events.inc({ kind: "price_point" }, indexed.pricePoints.length);
    m.events.inc({ kind: "balance" }, indexed.balances.length);
    stats.tokenTransfers += indexed.tokenTransfers.length;
  };

  const writeBlocks = async (envelopes: BlockEnvelope[], processed: ProcessedEnvelope[]) => {
    for (let i = 0; i < envelopes.length; i += maxBlocksPerWrite) {
      const indexedChunk = envelopes.slice(i, i + maxBlocksPerWrite).map(indexBlock);
      const chunk: IndexedBlock[] = [];
      for (const { indexed, decoded } of indexedChunk) {
        chunk.push(indexed);
        countEvents(indexed, decoded.syncs.length);
        for (const [reason, n] of Object.entries(decoded.skipped)) m.skippedLogs.inc({ reason }, n);
      }
      const end = m.writeSeconds.startTimer();
      await store.writeBlocks(chunk);
      end();
      m.batchBlocks.observe(chunk.length);
      for (const indexed of chunk) processed.push(processedEnvelope(indexed));
    }
  };

  const park = async (message: ConsumedMessage, reason: string) => {
    stats.invalidMessages += 1;
    m.invalidMessages.inc();
    logger.error(
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        reason,
      },
      "invalid bus message parked",
    );
    await bus.publish(PARKED_TOPIC, [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [PARKED_REASON_HEADER]: reason.slice(0, 500),
          "chainlog-parked-from": `${message.topic}/${message.partition}/${message.offset}`,
        },
      },
    ]);
  };

  /**
   * Applies one partition batch in offset order. Consecutive blocks are written together; a rollback first
   * flushes what came before it, so order is kept. Live readers hear of a block only after the store has it, and
   * the bus commits only after this resolves, so a crash anywhere replays the batch onto an idempotent store.
   */
  const onBatch = async (batch: ConsumedMessage[], context: BatchContext) => {
    let pending: BlockEnvelope[] = [];
    // the blocks stored, named to the enrichment stage (which reads them back from the store) once written
    const stored: StoredBlockEnvelope[] = [];
    const processed: ProcessedEnvelope[] = [];
    let blocks = 0;
    let highest: number | null = null;
    for (const message of batch) {
      let env: BusEnvelope;
      let verdict: ReturnType<typeof fence.check>;
      try {
        env = decodeEnvelope(message.value, message.headers);
        verdict = fence.check(message, env.chainId);
      } catch (error) {
        await park(message, error instanceof Error ? error.message : String(error));
        continue;
      }
      if (verdict.stale) {
        // Its successor republished this height from the stored cursor: nothing is lost by dropping it.
        stats.fencedMessages += 1;
        m.fencedMessages.inc({ chain: String(env.chainId) });
        logger.warn(
          {
            chainId: env.chainId,
            kind: env.kind,
            block: env.kind === "finality" ? undefined : env.block.number,
            partition: message.partition,
            offset: message.offset,
            token: verdict.token,
            newestToken: verdict.newest,
          },
          "dropped a message of a deposed ingest leader (older leader token after a newer one)",
        );
        continue;
      }
      if (env.kind === "block") {
        pending.push(env);
        stored.push({
          kind: "stored",
          chainId: env.chainId,
          block: { number: env.block.number, hash: env.block.hash },
        });
        blocks += 1;
        highest = Math.max(highest ?? 0, env.block.number);
      } else if (env.kind === "rollback") {
        await writeBlocks(pending, processed);
        pending = [];
        await store.rollbackBlock(env.block);
        processed.push({ kind: "retracted", chainId: env.chainId, block: env.block });
        stats.rollbacks += 1;
        m.rollbacks.inc();
        logger.info({ block: env.block, commonAncestor: env.commonAncestor }, "rolled back block");
      }
      // Finality needs no store change: rows below it simply stop being candidates for rollback.
    }
    await writeBlocks(pending, processed);
    // one bus write for both and this batch's position: on the embedded bus one transaction (and fsync) per batch
    await context.publishAllAndCommit([
      { topic: Topics.processed, messages: processed.map(encodeProcessed) },
      // references, not the payload again: the bus's largest write per block, once instead of twice
      { topic: Topics.enrich, messages: stored.map(encodeStored) },
    ]);
    stats.blocks += blocks;
    m.blocks.inc(blocks);
    if (highest !== null && highest > (stats.lastBlock ?? -1)) {
      stats.lastBlock = highest;
      m.lastBlock.set(highest);
    }
    stats.lastProgressAt = Date.now();
    m.lastProgress.set(stats.lastProgressAt / 1000);
  };

  const sample = async () => {
    let previous = { blocks: stats.blocks, at: Date.now() };
    const tick = async () => {
      await enricher?.sample();
      try {
        stats.lag = await bus.consumerLag(Topics.blocks, group);
        m.lag.set(stats.lag);
      } catch (error) {
        logger.warn({ err: error }, "consumer lag unavailable");
      }
      const now = Date.now();
      const rate = ((stats.blocks - previous.blocks) * 1000) / Math.max(1, now - previous.at);
      m.blocksPerSecond.set(rate);
      stats.blocksPerSecond = rate;
      previous = { blocks: stats.blocks, at: now };
    };
    await tick();
    sampler = setInterval(() => void tick(), params.sampleIntervalMs ?? 5_000);
    sampler.unref();
  };

  /** The pipeline status page reads these; a report older than a few intervals means this instance is gone. */
  const report = async () => {
    try {
      await store.putServiceStatus({
        service: "processor",
        instance,
        updatedAt: Date.now(),
        lastBlock: stats.lastBlock,
        consumerLag: stats.lag,
        blocksPerSecond: Math.max(0, stats.blocksPerSecond),
        rollbacks: stats.rollbacks,
        lastProgressAt: stats.lastProgressAt,
        heights: await heights.scan().catch(() => heights.last()),
        enrichment: enricher ? enricher.status(params.enrich?.pool ?? null) : null,
      });
    } catch (error) {
      logger.warn({ err: error }, "status report failed");
    }
  };

  return {
    stats,
    async start() {
      const partitions = params.partitions ?? 8;
      await bus.ensureTopics([
        { name: Topics.blocks, partitions },
        { name: Topics.processed, partitions },
        { name: Topics.enrich, partitions },
        { name: PARKED_TOPIC, partitions: 1 },
      ]);
      subscription = await bus.consume({
        topic: Topics.blocks,
        group,
        startFrom: "earliest",
        maxBatchSize: params.maxBatchSize ?? 200,
        onBatch,
        onError: (error) => logger.error({ err: error }, "batch failed; retrying"),
      });
      stats.lastProgressAt = Date.now();
      await enricher?.start();
      await sample();
      await report();
      reporter = setInterval(() => void report(), params.statusIntervalMs ?? 5_000);
      reporter.unref();
      logger.info({ group, topic: Topics.blocks }, "processor consuming");
    },
    async close() {
      if (sampler) clearInterval(sampler);
      if (reporter) clearInterval(reporter);
      sampler = null;
      reporter = null;
      await subscription?.close();
      subscription = null;
      await enricher?.close();
    },
    ready() {
      if (!subscription) return false;
      const stuck = (stats.lag ?? 0) > 0 && Date.now() - stats.lastProgressAt > stuckAfterMs;
      return !stuck;
    },
  };
}
