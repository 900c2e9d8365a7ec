import type { Bus, ChainWriter, ConsumedMessage, OperationalState, Subscription } from "@chainlog/ports";
import { type RpcPool, RpcPoolClosedError } from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import {
  type BlockEnvelope,
  decodeEnrichMessage,
  type ProcessorStatus,
  type ServiceStatus,
  type StoredBlockEnvelope,
  Topics,
} from "@chainlog/tx-schema";
import { indexBlock } from "../index-block.ts";
import type { ProcessorMetrics } from "../metrics.ts";
import { type BlockEnricherContext, createBlockEnricher, TRACES } from "./create-block-enricher.ts";

export interface EnricherParameters
  extends Omit<BlockEnricherContext, "store" | "logger" | "catchingUp" | "signal"> {
  bus: Bus;
  /** Ingest's status reports tell whether it is catching up. */
  store: ChainWriter & Pick<OperationalState, "getServiceStatuses">;
  logger: Logger;
  metrics: ProcessorMetrics;
  group?: string;
  /** Blocks per bus batch (the enricher works a batch at once: its reads are batched over its blocks). */
  maxBatchSize?: number;
}

export type EnrichmentStatus = NonNullable<ProcessorStatus["enrichment"]>;

/** Ingest this many blocks or more below the node's head is catching up (at the head it lags a block or two). */
export const CATCHING_UP_BLOCKS = 16;
/** How often ingest's reports are read to know whether it is catching up. */
const CATCH_UP_POLL_MS = 1_000;
/** Ingest reports every 5 s; an older report means it is gone or done with its range: the node is free. */
const INGEST_REPORT_MAX_AGE_MS = 15_000;

/**
 * Whether ingest is backfilling (the leader's published block far below the node's head, and not blocked): the
 * node's time then goes to the raw blocks first. Nothing published yet counts from below block 0.
 */
export function ingestCatchingUp(statuses: readonly ServiceStatus[]): boolean {
  return statuses.some(
    (s) =>
      s.service === "ingest" &&
      s.leader &&
      !s.blockedBy &&
      s.head !== null &&
      s.head - (s.published ?? -1) > CATCHING_UP_BLOCKS,
  );
}

/**
 * The enrichment stage: a consumer group of its own on chainlog.enrich, which the raw stage fills only after a
 * block's raw rows are stored, with references the enricher reads those rows back by. Its position is the group's; a restart resumes there, and a block already marked
 * enriched (a replayed batch) is skipped without asking the node again. Rollbacks need no work here: the raw
 * stage's rollback removed the block with its enrichment, and an enrichment written for a block rolled back
 * meanwhile is refused by the store.
 */
export function createEnricher(params: EnricherParameters) {
  const { bus, store, logger, metrics: m } = params;
  const group = params.group ?? "enricher";
  // a shutdown ends the wait of traces held back while raw catches up
  const closing = new AbortController();
  const closed = new Promise<void>((resolve) => closing.signal.addEventListener("abort", () => resolve()));
  let catchingUp = false;
  const enricher = createBlockEnricher({
    ...params,
    store,
    logger,
    catchingUp: () => catchingUp,
    signal: closing.signal,
  });
  let subscription: Subscription | null = null;
  let watch: NodeJS.Timeout | null = null;

  const watchIngest = async () => {
    let now = false;
    try {
      now = ingestCatchingUp(await store.getServiceStatuses(INGEST_REPORT_MAX_AGE_MS));
    } catch (error) {
      // unknown: traces run at full concurrency rather than wait on a report that cannot be read
      logger.warn({ err: error }, "ingest status unreadable");
    }
    if (now !== catchingUp)
      logger.info(
        now ? "ingest is catching up: traces yield to the raw blocks" : "ingest at the head: traces resume",
      );
    catchingUp = now;
  };
  let blocks = 0;
  let lastProgressAt = Date.now();
  let lag: number | null = null;
  let rate = { blocks: 0, at: Date.now(), perSecond: 0 };

  /** Whether traces are read, or the one reason they are not, as /v1/status shows it. */
  const tracesStatus = (pool: RpcPool | null): EnrichmentStatus["traces"] => {
    if ((params.traces ?? "auto") === "off")
      return { on: false, reason: "turned off in the configuration (PROCESSOR_TRACES=off)" };
    if (!pool) return { on: false, reason: "no RPC endpoint to trace with (ETH_RPC_URL is not set)" };
    if (pool.featureAvailable(TRACES)) return { on: true, reason: null };
    const off = pool.featuresOff().find((f) => f.feature === TRACES);
    const reason = `the node cannot trace (${off?.reason ?? "refused debug_traceBlockByHash"})`;
    const retry = off ? `; asked again after ${new Date(off.until).toISOString()}` : "";
    return { on: false, reason: `${reason}${retry}`.slice(0, 500) };
  };

  const enrichBatch = async (batch: ConsumedMessage[]) => {
    const wanted: Array<BlockEnvelope | StoredBlockEnvelope> = [];
    for (const message of batch) {
      // the raw stage validated and parked bad messages before publishing these: they decode
      const env = decodeEnrichMessage(message.value, message.headers);
      if (env.kind === "block" || env.kind === "stored") wanted.push(env);
    }
    if (wanted.length === 0) return;
    const done = await store.getEnrichment(wanted.map((e) => e.block.hash));
    const todo: BlockEnvelope[] = [];
    for (const e of wanted) {
      if (done.has(e.block.hash)) continue;
      if (e.kind === "block") {
        todo.push(e);
        continue;
      }
      const stored = await store.getStoredBlock(e.block.hash);
      // rolled back or replaced since it was stored: nothing of it to enrich (the store would refuse it anyway)
      if (stored) todo.push({ kind: "block", chainId: e.chainId, ...stored });
    }
    if (todo.length > 0) {
      // read afresh, not up to a poll old: the first batches of a backfill come right after ingest's first reports
      await watchIngest();
      const end = m.enrichSeconds.startTimer();
      const enrichment = await enricher.enrich(todo.map(indexBlock));
      const written = await store.writeEnrichment(enrichment);
      end();
      for (const e of enrichment)
        for (const [part, state] of Object.entries(e.mark))
          if (state === "off" || state === "failed") m.enrichmentFailures.inc({ step: part });
      m.enrichedBlocks.inc(written);
      blocks += written;
    }
    lastProgressAt = Date.now();
    m.enrichedLastBlock.set(Math.max(...wanted.map((e) => e.block.number)));
  };

  /**
   * On shutdown the pool closes before the consumer stops. A batch that meets the closed pool is held, not
   * committed, until close() stops the subscription, and fails once then: no retry in a loop meanwhile, and the
   * batch is enriched again after the restart.
   */
  const onBatch = async (batch: ConsumedMessage[]) => {
    try {
      await enrichBatch(batch);
    } catch (error) {
      if (error instanceof RpcPoolClosedError) await closed;
      throw error;
    }
  };

  return {
    async start() {
      await watchIngest();
      watch = setInterval(() => void watchIngest(), CATCH_UP_POLL_MS);
      watch.unref();
      await bus.ensureTopics([{ name: Topics.enrich, partitions: 1 }]);
      subscription = await bus.consume({
        topic: Topics.enrich,
        group,
        startFrom: "earliest",
        maxBatchSize: params.maxBatchSize ?? 50,
        onBatch,
        onError: (error) => {
          // shutting down: the batch is not committed and is enriched again after the restart
          if (error instanceof RpcPoolClosedError || closing.signal.aborted)
            return logger.info("enrichment batch left for the restart");
          logger.error({ err: error }, "enrichment batch failed; retrying");
        },
      });
      logger.info({ group, topic: Topics.enrich }, "enrichment stage consuming");
    },
    async sample() {
      try {
        lag = await bus.consumerLag(Topics.enrich, group);
        m.enrichLag.set(lag);
      } catch {
        lag = null;
      }
      const now = Date.now();
      rate = { blocks, at: now, perSecond: ((blocks - rate.blocks) * 1000) / Math.max(1, now - rate.at) };
    },
    status(pool: RpcPool | null): EnrichmentStatus {
      return {
        traces: tracesStatus(pool),
        lag,
        blocks,
        blocksPerSecond: Math.max(0, rate.perSecond),
        lastProgressAt,
        featuresOff: (pool?.featuresOff() ?? []).slice(0, 64),
        permanentErrors: (pool?.permanentErrors() ?? []).slice(0, 64).map((p) => ({
          ...p,
          method: p.method.slice(0, 100),
          lastMessage: p.lastMessage.slice(0, 500),
        })),
      };
    },
    async close() {
      if (watch) clearInterval(watch);
      watch = null;
      closing.abort();
      await subscription?.close();
      subscription = null;
    },
  };
}

export type Enricher = ReturnType<typeof createEnricher>;
