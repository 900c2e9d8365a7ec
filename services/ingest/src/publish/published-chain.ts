import { type Logger, retry } from "@chainlog/telemetry";
import type { BlockEnvelope, BlockRef, BusEnvelope } from "@chainlog/tx-schema";
import type { IngestMetrics } from "../ingest-metrics.ts";
import { RecentChain } from "../sync-realtime/recent-chain.ts";
import type { Sleep } from "../wakeable-sleep.ts";
import type { BlockSink } from "./block-sink.ts";
import type { CursorStore } from "./cursor-store.ts";

export interface PublishedChainContext {
  sink: BlockSink;
  /** Omitted: nothing is persisted (benchmarks). */
  cursor?: CursorStore;
  chainId: number;
  logger: Logger;
  metrics: IngestMetrics;
  /** How many published blocks are kept for reorg walks. */
  reorgDepth: number;
  /** While appending, the cursor is saved at most this often (see IngestOptions.cursorIntervalMs). */
  cursorIntervalMs: number;
  sleep: Sleep;
}

/**
 * What ingest has published so far: the recent parent-hash chain, the sink it goes to and the cursor that names
 * it. Both syncs write through here, so the cursor only ever names blocks the sink acknowledged.
 */
export function createPublishedChain(ctx: PublishedChainContext) {
  const { sink, logger, metrics, chainId } = ctx;
  const chain = new RecentChain(ctx.reorgDepth);
  let lastCursorSave = 0;
  let lastProgressAt = Date.now();

  /** Retries until the sink takes it: nothing is skipped, and the cursor waits for the acknowledgement. */
  const publish = (envelopes: BusEnvelope[], signal: AbortSignal) =>
    retry(
      (attempt) =>
        sink.publish(envelopes).catch((error) => {
          metrics.publishErrors.inc();
          logger.warn({ err: error, attempt }, "publish failed; retrying");
          throw error;
        }),
      { firstDelayMs: 200, maxDelayMs: 5000, signal, sleep: ctx.sleep },
    );

  const saveCursor = async () => {
    lastCursorSave = Date.now();
    await ctx.cursor?.save(chain.tip, chain.all());
  };

  return {
    chain,
    publish,
    saveCursor,
    loadCursor: async () => (await ctx.cursor?.load()) ?? null,
    /** When a block was last appended (or ingest started): readiness tells a stuck ingest by it. */
    lastProgressAt: () => lastProgressAt,

    /**
     * Publishes blocks that link to the tip, in one sink write, then extends the chain. `saveNow`: save the
     * cursor even if one was saved within the interval (a range end, or a mismatch about to be repaired).
     */
    async append(linked: BlockEnvelope[], signal: AbortSignal, saveNow: boolean): Promise<{ txs: number }> {
      await publish(linked, signal);
      let txs = 0;
      for (const env of linked) {
        chain.push({ number: env.block.number, hash: env.block.hash });
        txs += env.transactions.length;
      }
      if (saveNow || Date.now() - lastCursorSave >= ctx.cursorIntervalMs) await saveCursor();
      lastProgressAt = Date.now();
      metrics.blocks.inc(linked.length);
      metrics.transactions.inc(txs);
      metrics.tip.set(chain.tip!.number);
      metrics.lastProgress.set(lastProgressAt / 1000);
      return { txs };
    },

    /** Publishes a rollback for every block above `ancestor`, newest first, then saves the shortened cursor. */
    async rollbackTo(ancestor: BlockRef, signal: AbortSignal) {
      const orphaned = chain.truncateAbove(ancestor.number);
      if (orphaned.length === 0) return;
      logger.warn(
        { depth: orphaned.length, ancestor: ancestor.number, oldTip: orphaned[0]!.number },
        "reorg: rolling back orphaned blocks",
      );
      await publish(
        orphaned.map((block) => ({ kind: "rollback", chainId, block, commonAncestor: ancestor })),
        signal,
      );
      metrics.reorgs.inc();
      metrics.rollbacks.inc(orphaned.length);
      await saveCursor();
    },
  };
}

export type PublishedChain = ReturnType<typeof createPublishedChain>;
