import { hostname } from "node:os";
import type { Bus, OperationalState, ReadModel, Subscription } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
import { type LakeStatus, Topics } from "@chainlog/tx-schema";
import { type LakeBlock, readLakeBlock } from "./block-rows.ts";
import { LakeContinuityError, LakeError } from "./errors.ts";
import type { Lake, LakePosition } from "./lake.ts";
import { openLake } from "./open-lake.ts";
import { LakeEntities, type LakeEntity, type LakeRow } from "./schema.ts";

export interface CreateLakeSinkParameters {
  bus: Bus;
  store: Pick<
    ReadModel & OperationalState,
    | "getBlockByNumber"
    | "getBlockTransactions"
    | "getTransaction"
    | "getEnrichment"
    | "getPriceSeries"
    | "getLatestBlock"
    | "getHeights"
    | "putServiceStatus"
  >;
  logger: Logger;
  /** The lake: a folder, or s3://bucket/prefix (standard AWS credential chain; AWS_ENDPOINT_URL_S3 for another server). */
  location: string;
  /** Where AWS_* variables are read for an S3 lake. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** A block is final, and written, once this many stored blocks follow it, each the child of the one before. */
  confirmations: number;
  /** Most blocks in one part file. Default 1000. */
  blocksPerPart?: number;
  /** While fewer than blocksPerPart final blocks wait, a part is written this often (fewer, larger parts). Default 60 s. */
  flushMs?: number;
  /** Consumer group on the processed topic. Default "lake". */
  group?: string;
  /** The processor's consumer group on the blocks topic. Default "processor". */
  processorGroup?: string;
  /** Partitions of the topics when the sink creates them (BUS_PARTITIONS). */
  partitions?: number;
  instance?: string;
  statusIntervalMs?: number;
}

export interface LakeSinkStats {
  blocks: number;
  parts: number;
  bytes: number;
  /** Milliseconds spent reading blocks from the store and writing parts (the sink's own cost). */
  busyMs: number;
  lastProgressAt: number;
  finalHeight: number | null;
  consumerLag: number | null;
}

export interface LakeSink {
  start(): Promise<void>;
  /** Writes every final block now (ignores flushMs); resolves with the position after. */
  flush(): Promise<LakePosition | null>;
  position(): LakePosition | null;
  readonly stats: LakeSinkStats;
  readonly location: string;
  close(): Promise<void>;
}

const emptyRows = (): Record<LakeEntity, LakeRow[]> =>
  Object.fromEntries(LakeEntities.map((e) => [e, []])) as unknown as Record<LakeEntity, LakeRow[]>;

/**
 * The lake sink stage. It follows the processed topic in its own consumer group (each message wakes it; a timer
 * too, since enrichment lands after) and writes every block that is final (the newest stored block is
 * `confirmations` above it) and enriched, from the store, in block order, into day partitions. Non-final blocks
 * are never read, so a reorg above the final height costs the lake nothing; a final block that does not extend
 * the last one written (a reorg deeper than the confirmations) stops the sink with a LakeContinuityError.
 */
export function createLakeSink(params: CreateLakeSinkParameters): LakeSink {
  const { bus, store, logger, confirmations } = params;
  let lake: Lake | null = null;
  const opened = (): Lake => {
    if (!lake) throw new LakeError("the lake sink is not started");
    return lake;
  };
  const group = params.group ?? "lake";
  const processorGroup = params.processorGroup ?? "processor";
  const blocksPerPart = params.blocksPerPart ?? 1000;
  const flushMs = params.flushMs ?? 60_000;
  const instance = params.instance ?? `${hostname()}:${process.pid}`;
  const stats: LakeSinkStats = {
    blocks: 0,
    parts: 0,
    bytes: 0,
    busyMs: 0,
    lastProgressAt: Date.now(),
    finalHeight: null,
    consumerLag: null,
  };
  let position: LakePosition | null = null;
  let subscription: Subscription | null = null;
  let timers: NodeJS.Timeout[] = [];
  let running: Promise<void> | null = null;
  let lastFlushAt = 0;
  /** A commit or merge failed part-way: what it left must be cleared before the next write. */
  let unsettled = false;
  let rate = { blocks: 0, at: Date.now(), perSecond: 0 };

  const finalHeight = async (): Promise<number | null> => {
    const latest = await store.getLatestBlock();
    stats.finalHeight = latest ? latest.number - confirmations : null;
    return stats.finalHeight;
  };

  /** Days below `day` that still have several parts: final, so merged. */
  const compactBefore = async (day: string) => {
    const days = new Set<string>();
    for (const e of LakeEntities) for (const d of await opened().days(e)) if (d < day) days.add(d);
    for (const d of [...days].sort())
      if (await opened().compactDay(d)) logger.info({ day: d }, "lake day compacted");
  };

  const commit = async (chunk: LakeBlock[]) => {
    const rows = emptyRows();
    for (const b of chunk) for (const e of LakeEntities) rows[e].push(...b.rows[e]);
    const first = chunk[0]!;
    const last = chunk[chunk.length - 1]!;
    const previousDay = position?.lastDay ?? null;
    // A write that fails half-way (a part put, the position not) leaves a part above the position, under a name
    // the retry may not reuse (it can cover more blocks by then): the next advance recovers the lake first.
    unsettled = true;
    stats.bytes += await opened().commitPart(first.day, first.number, last, rows);
    position = { next: last.number + 1, lastHash: last.hash, lastDay: last.day };
    stats.blocks += chunk.length;
    stats.parts += 1;
    stats.lastProgressAt = Date.now();
    logger.debug({ day: first.day, from: first.number, to: last.number }, "lake part written");
    if (previousDay && previousDay < last.day) await compactBefore(last.day);
    unsettled = false;
  };

  const advance = async (force: boolean) => {
    if (unsettled) {
      position = await opened().recover();
      if (position?.lastDay) await compactBefore(position.lastDay);
      unsettled = false;
    }
    const final = await finalHeight();
    if (final === null || final < 0) return;
    if (!position) {
      // The first block is the lowest stored, read once the processor has taken every published message:
      // partitions are processed side by side, so before that a lower block may still be on its way.
      if ((await bus.consumerLag(Topics.blocks, processorGroup)) !== 0) return;
      const [lowest] = await store.getHeights(0, 1);
      if (!lowest) return;
      position = { next: lowest.number, lastHash: null, lastDay: null };
    }
    const waiting = final - position.next + 1;
    if (waiting <= 0) return;
    if (!force && waiting < blocksPerPart && Date.now() - lastFlushAt < flushMs) return;
    lastFlushAt = Date.now();
    const started = performance.now();
    try {
      // A window at a time, so a long backlog never loads more than a part's blocks (plus the confirmations).
      for (let progressed = true; progressed && position.next <= final; ) {
        progressed = false;
        const headers = await linkedHeaders(
          position.next,
          final + confirmations,
          blocksPerPart + confirmations,
        );
        if (headers.length > 0 && position.lastHash !== null && headers[0]!.parentHash !== position.lastHash)
          throw new LakeContinuityError(
            `final block ${headers[0]!.number} (${headers[0]!.hash}) does not extend the lake's last block ${position.lastHash}: a reorg deeper than ${confirmations} confirmations`,
          );
        // final: followed by `confirmations` stored blocks, each the child of the one before
        const finalHeaders = headers.slice(0, Math.max(0, headers.length - confirmations));
        let chunk: LakeBlock[] = [];
        for (const header of finalHeaders) {
          const block = await readLakeBlock(store, header.number);
          // not enriched yet, or replaced since the headers were read: the next wake-up goes on from here
          if (!block || block.hash !== header.hash) break;
          if (chunk.length > 0 && chunk[0]!.day !== block.day) {
            await commit(chunk);
            chunk = [];
          }
          chunk.push(block);
        }
        if (chunk.length > 0) await commit(chunk);
        progressed = finalHeaders.length > 0 && position.next > finalHeaders[0]!.number;
      }
    } finally {
      stats.busyMs += performance.now() - started;
    }
  };

  /**
   * The stored blocks from `from` up (at most `limit`, not above `to`) as long as each is the child of the one
   * before. The processor applies partitions side by side, so during a reorg the store can briefly hold new
   * blocks above an old one whose rollback is still on its way: the newest stored height alone does not make a
   * block final, an unbroken chain of `confirmations` children above it does.
   */
  const linkedHeaders = async (from: number, to: number, limit: number) => {
    const out: { number: number; hash: string; parentHash: string }[] = [];
    for (let n = from; n <= to && out.length < limit; n++) {
      const b = await store.getBlockByNumber(n);
      if (!b || (out.length > 0 && b.parentHash !== out[out.length - 1]!.hash)) break;
      out.push({ number: b.number, hash: b.hash, parentHash: b.parentHash });
    }
    return out;
  };

  /** One advance at a time: the bus's batches and the timer share it. */
  const run = (force: boolean): Promise<void> => {
    if (running) return force ? running.then(() => run(true)) : running;
    running = advance(force).finally(() => {
      running = null;
    });
    return running;
  };

  const report = async () => {
    try {
      stats.consumerLag = await bus.consumerLag(Topics.processed, group).catch(() => null);
      const now = Date.now();
      rate = {
        blocks: stats.blocks,
        at: now,
        perSecond: ((stats.blocks - rate.blocks) * 1000) / Math.max(1, now - rate.at),
      };
      const written = position && position.next > 0 && position.lastHash ? position.next - 1 : null;
      const status: LakeStatus = {
        service: "lake",
        instance,
        updatedAt: now,
        location: params.location,
        confirmations,
        written,
        finalHeight: stats.finalHeight,
        lagBlocks:
          stats.finalHeight === null
            ? null
            : Math.max(0, stats.finalHeight - (written ?? (position ? position.next - 1 : -1))),
        consumerLag: stats.consumerLag,
        blocksPerSecond: Math.max(0, rate.perSecond),
        lastProgressAt: stats.lastProgressAt,
      };
      await store.putServiceStatus(status);
    } catch (error) {
      logger.warn({ err: error }, "lake status report failed");
    }
  };

  const logError = (error: unknown) =>
    logger.error({ err: error, name: (error as Error)?.name }, "lake write failed; retrying");

  return {
    stats,
    location: params.location,
    position: () => position,
    async flush() {
      await run(true);
      return position;
    },
    async start() {
      lake = await openLake(params.location, params.env);
      position = await lake.recover();
      if (position?.lastDay) await compactBefore(position.lastDay);
      await bus.ensureTopics([{ name: Topics.processed, partitions: params.partitions ?? 8 }]);
      subscription = await bus.consume({
        topic: Topics.processed,
        group,
        startFrom: "latest",
        maxBatchSize: 500,
        onBatch: () => run(false),
        onError: logError,
      });
      timers = [
        setInterval(() => void run(false).catch(logError), Math.max(250, Math.min(flushMs, 5_000))),
        setInterval(() => void report(), params.statusIntervalMs ?? 5_000),
      ];
      for (const t of timers) t.unref();
      await report();
      logger.info({ location: params.location, confirmations, position }, "lake sink started");
    },
    async close() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await subscription?.close();
      subscription = null;
      await running?.catch(() => undefined);
      await report();
      lake?.close?.();
      lake = null;
    },
  };
}
