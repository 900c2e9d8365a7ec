import { blockAfter, createRangeFetcher, type FetchedBlocks, fetchBlocks, type RpcPool } from "@chainlog/rpc";
import { type Logger, retry } from "@chainlog/telemetry";
import type { BlockEnvelope } from "@chainlog/tx-schema";
import { ChainIdMismatchError } from "../errors.ts";
import type { IngestMetrics } from "../ingest-metrics.ts";
import type { PublishedChain } from "../publish/published-chain.ts";
import { canonicalHash } from "../sync-realtime/canonical-hash.ts";
import type { RealtimeSync } from "../sync-realtime/create-realtime-sync.ts";
import type { Sleep } from "../wakeable-sleep.ts";
import type { createProgress } from "./progress.ts";
import { blockAtTimestamp } from "./resolve-since.ts";

export interface HistoricalSyncContext {
  pool: RpcPool;
  chainId: number;
  logger: Logger;
  metrics: IngestMetrics;
  published: PublishedChain;
  /** Repairs the chain when a fetched block does not link to the published tip, and checks a resumed tip. */
  realtime: Pick<RealtimeSync, "reconcile" | "verifyResumedTip">;
  progress: ReturnType<typeof createProgress>;
  sleep: Sleep;
  /** First block when there is no cursor: a number, "latest", or unset with sinceSeconds, else 0. */
  from?: number | "latest";
  sinceSeconds?: number;
  /** Blocks per fetch. Default 10. */
  blocksPerBatch?: number;
  /** Blocks already fetched in order are published together, up to this many per publish. Default 200. */
  maxBlocksPerPublish?: number;
  /** Tries to fetch the start block's parent this often (back-off from parentRetryMs) before going without it. */
  parentAttempts?: number;
  parentRetryMs?: number;
  /** What ingest had to go without while starting (shown in status); null when all is well. */
  onBlocked: (reason: string | null) => void;
}

/**
 * Fetches ranges of blocks with several batches in flight and publishes them strictly in order, each linked to
 * its parent. Used for the backfill and, at the head, for every new block.
 */
export function createHistoricalSync(ctx: HistoricalSyncContext) {
  const { pool, chainId, logger, metrics, published, realtime, progress } = ctx;
  const { chain } = published;
  const perBatch = ctx.blocksPerBatch ?? 10;
  const maxPerPublish = ctx.maxBlocksPerPublish ?? 200;

  /**
   * Publishes the linked prefix of consecutive batches in one bus write; false when a mismatch stopped it (the
   * caller refetches).
   */
  const apply = async (batches: FetchedBlocks[], signal: AbortSignal): Promise<boolean> => {
    const linked: BlockEnvelope[] = [];
    let tip = chain.tip;
    let broken: FetchedBlocks | null = null;
    for (const fetched of batches) {
      for (const [i, env] of fetched.envelopes.entries()) {
        if (tip && env.block.parentHash !== tip.hash) {
          broken = { ...fetched, envelopes: fetched.envelopes.slice(i) };
          break;
        }
        linked.push(env);
        tip = { number: env.block.number, hash: env.block.hash };
      }
      if (broken) break;
    }
    if (linked.length) {
      const { txs } = await published.append(linked, signal, broken !== null);
      progress.advance(linked.length, txs, chain.tip!.number);
    }
    if (broken) await realtime.reconcile(broken, signal);
    return !broken;
  };

  /** Seeds the chain with the parent of the first block, so even that block's parent hash is checked. */
  const seedParent = async (from: number, signal: AbortSignal) => {
    // A node that cannot give it (pruned, or a bad answer) is asked again with back-off; then ingest starts
    // without that one check rather than not at all, and says so in its status.
    const cause = (error: unknown) =>
      `the parent of start block ${from} cannot be fetched: ${(error as Error).message}`;
    try {
      const parent = await retry(() => canonicalHash(pool, from - 1), {
        attempts: ctx.parentAttempts ?? 4,
        firstDelayMs: ctx.parentRetryMs ?? 1000,
        maxDelayMs: 30_000,
        signal,
        sleep: ctx.sleep,
        onRetry: (error, attempt) => {
          ctx.onBlocked(`${cause(error)}; retrying`);
          logger.warn({ from, attempt, err: error }, "start block's parent unavailable; retrying");
        },
      });
      if (parent) chain.reset([{ number: from - 1, hash: parent }]);
      ctx.onBlocked(null);
    } catch (error) {
      ctx.onBlocked(`${cause(error)}; started without checking block ${from}'s parent hash`);
      logger.warn({ from, err: error }, "starting without the start block's parent");
    }
  };

  return {
    /**
     * The first block to fetch: after the stored cursor (re-checked for a reorg while ingest was down), else
     * `from`, the block at `sinceSeconds` ago, or 0.
     */
    async resolveStart(signal: AbortSignal): Promise<number> {
      const cursor = await published.loadCursor();
      if (cursor) {
        if (cursor.chainId !== chainId)
          throw new ChainIdMismatchError(
            `the stored cursor is for chain ${cursor.chainId}, the node is ${chainId}`,
          );
        chain.reset([...cursor.recent, cursor.tip]);
        await realtime.verifyResumedTip(signal);
        logger.info({ tip: chain.tip?.number }, "resuming from the stored cursor");
        return chain.tip!.number + 1;
      }
      let from = 0;
      if (ctx.from === "latest") from = pool.head();
      else if (ctx.from !== undefined) from = ctx.from;
      else if (ctx.sinceSeconds !== undefined) {
        from = await blockAtTimestamp(pool, Math.floor(Date.now() / 1000) - ctx.sinceSeconds, pool.head());
        logger.info({ since: ctx.sinceSeconds, from }, "resolved the start block by timestamp");
      }
      if (from > 0) await seedParent(from, signal);
      return from;
    },

    /**
     * Fetches [start, end] in batches, several in flight (AIMD), and applies them strictly in order; batches
     * that arrived while the previous publish ran go out together (the bus's cost is per write, not per block).
     * Returns early after a mismatch was repaired: the caller starts again from the new tip.
     */
    async syncRange(start: number, end: number, signal: AbortSignal): Promise<void> {
      // The pool gives each endpoint an adaptive number of requests in flight; the fetcher keeps them all busy.
      const fetcher = createRangeFetcher({
        from: start,
        to: end,
        batchSize: perBatch,
        capacity: () => pool.capacity(),
        fetch: (s, e) => fetchBlocks(pool, chainId, s, e),
        onLaunch: (inFlight) => {
          metrics.concurrency.set(pool.capacity());
          metrics.inFlight.set(inFlight);
        },
      });
      try {
        let next = start;
        while (next <= end && !signal.aborted) {
          const batches = await fetcher.take(next, maxPerPublish);
          if (!(await apply(batches, signal))) return;
          next = blockAfter(batches);
        }
        if (next > end) await published.saveCursor();
      } finally {
        fetcher.close();
        metrics.inFlight.set(0);
      }
    },
  };
}

export type HistoricalSync = ReturnType<typeof createHistoricalSync>;
