import type { RpcPool } from "@chainlog/rpc";
import { type Logger, retry } from "@chainlog/telemetry";
import type { HealthCheckResult } from "@chainlog/tx-schema";
import { ChainIdMismatchError, DeepReorgError } from "./errors.ts";
import type { IngestMetrics } from "./ingest-metrics.ts";
import type { BlockSink } from "./publish/block-sink.ts";
import type { CursorStore } from "./publish/cursor-store.ts";
import { createPublishedChain } from "./publish/published-chain.ts";
import { createHistoricalSync } from "./sync-historical/create-historical-sync.ts";
import { createProgress } from "./sync-historical/progress.ts";
import { createRealtimeSync } from "./sync-realtime/create-realtime-sync.ts";
import { createWakeableSleep } from "./wakeable-sleep.ts";

/** Start failures that no retry can cure: the operator must act. */
const cannotStart = (error: unknown) =>
  error instanceof ChainIdMismatchError || error instanceof DeepReorgError;

export interface IngestOptions {
  pool: RpcPool;
  sink: BlockSink;
  /** Omitted: nothing is persisted (benchmarks). */
  cursor?: CursorStore;
  chainId: number;
  logger: Logger;
  metrics: IngestMetrics;
  reorgDepth?: number;
  /** First block when there is no cursor: a number, "latest", or unset with sinceSeconds, else 0. */
  from?: number | "latest";
  sinceSeconds?: number;
  /** Stop after this block (a bounded backfill); unset: follow the head forever. */
  to?: number;
  blocksPerBatch?: number;
  pollIntervalMs?: number;
  finalityIntervalMs?: number;
  progressIntervalMs?: number;
  /** Not ready when behind the head with no progress for this long. */
  stuckAfterMs?: number;
  maxLag?: number;
  /** Tries to fetch the start block's parent this often (back-off from parentRetryMs) before going without it. */
  parentAttempts?: number;
  parentRetryMs?: number;
  /**
   * While catching up, the cursor is saved at most this often (and always at the end of a range, after a
   * rollback and on stop): each save is a durable write the processor's store writes wait behind. A crash
   * replays at most this much onto the bus, which its consumers apply idempotently. Default 5000 ms: the cursor
   * lives in the store, so each save waits for the processor's write transaction to end, with ingest's event loop
   * (and the fetches in flight) held meanwhile.
   */
  cursorIntervalMs?: number;
  /** Blocks already fetched in order are published together, up to this many per publish. Default 200. */
  maxBlocksPerPublish?: number;
  /** Wakes the head loop early (e.g. a newHeads subscription). */
  onHeadSignal?: (wake: () => void) => void;
}

/**
 * Ingest: resolves where to start, then loops — the historical sync fetches up to the head (or `to`), and at the
 * head the realtime sync watches for reorgs and finality between polls.
 */
export function createIngest(options: IngestOptions) {
  const { pool, logger, metrics } = options;
  const pollMs = options.pollIntervalMs ?? 500;
  const { sleep, wake } = createWakeableSleep();
  options.onHeadSignal?.(wake);
  const progress = createProgress({ logger, metrics, intervalMs: options.progressIntervalMs ?? 5000 });
  const published = createPublishedChain({
    sink: options.sink,
    cursor: options.cursor,
    chainId: options.chainId,
    logger,
    metrics,
    reorgDepth: options.reorgDepth ?? 64,
    cursorIntervalMs: options.cursorIntervalMs ?? 5000,
    sleep,
  });
  const { chain } = published;
  const realtime = createRealtimeSync({ ...options, published });
  /** Why ingest is not advancing, or what it had to go without (shown in status); null when all is well. */
  let blockedBy: string | null = null;
  const historical = createHistoricalSync({
    ...options,
    published,
    realtime,
    progress,
    sleep,
    onBlocked: (reason) => {
      blockedBy = reason;
    },
  });
  let started = false;
  let finished = false;

  const run = async (signal: AbortSignal = new AbortController().signal) => {
    pool.start();
    await pool.checkHealth();
    if (signal.aborted) return;
    // A start that fails (no endpoint answers yet) is retried here with back-off: crashing would only restart
    // the process into the same failure.
    let next = 0;
    try {
      next = await retry(() => historical.resolveStart(signal), {
        firstDelayMs: 1000,
        maxDelayMs: 30_000,
        signal,
        sleep,
        retryable: (error) => !cannotStart(error),
        onRetry: (error, attempt) => {
          blockedBy = `cannot start: ${(error as Error).message}`;
          logger.warn({ attempt, err: error }, "start failed; retrying");
        },
      });
    } catch (error) {
      // stopping while the start still failed is a clean stop, not an error
      if (cannotStart(error) || !signal.aborted) throw error;
    }
    if (signal.aborted) return;
    started = true;
    progress.start(next);
    try {
      while (!signal.aborted) {
        if (options.to !== undefined && next > options.to) break;
        const head = pool.head();
        metrics.head.set(head);
        const target = options.to === undefined ? head : Math.min(options.to, head);
        progress.target(target);
        metrics.lag.set(Math.max(0, head - (chain.tip?.number ?? next - 1)));
        try {
          if (head >= 0 && next <= target) await historical.syncRange(next, target, signal);
          else {
            if (head >= 0) await realtime.checkHead(signal);
            await sleep(pollMs, signal);
            if (!signal.aborted) await pool.checkHealth();
          }
        } catch (error) {
          if (error instanceof DeepReorgError) throw error;
          // a stop ends the fetches in flight (and closes the pool): their failures are the stop, not a fault
          if (signal.aborted) break;
          logger.warn({ err: error }, "sync step failed; retrying");
          await sleep(1000, signal);
        }
        next = (chain.tip?.number ?? next - 1) + 1;
      }
    } finally {
      progress.stop();
      finished = true;
      await published.saveCursor();
    }
  };

  const syncState = (now: number): { ok: boolean; detail?: string } => {
    if (!started) return { ok: false, detail: blockedBy ?? "starting" };
    if (finished) return { ok: false, detail: "stopped" };
    const behind = pool.head() - (chain.tip?.number ?? -1) > (options.maxLag ?? 5);
    const lastProgressAt = published.lastProgressAt();
    if (behind && now - lastProgressAt > (options.stuckAfterMs ?? 60_000))
      return {
        ok: false,
        detail: `no progress for ${Math.round((now - lastProgressAt) / 1000)} s while behind`,
      };
    return { ok: true };
  };

  return {
    run,
    status: () => ({
      tip: chain.tip ?? null,
      head: pool.head(),
      lastProgressAt: published.lastProgressAt(),
      concurrency: pool.capacity(),
      endpoints: pool.status(),
      blockedBy,
    }),
    /** Readiness per dependency: some RPC endpoint in rotation; the sync running and not stuck behind the head. */
    readiness(now = Date.now()): HealthCheckResult[] {
      const rpc = pool.healthyCount() > 0 ? { ok: true } : { ok: false, detail: "no healthy RPC endpoint" };
      return [
        { name: "rpc", ...rpc },
        { name: "sync", ...syncState(now) },
      ];
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
