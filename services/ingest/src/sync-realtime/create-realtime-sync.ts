import type { FetchedBlocks, RpcPool } from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import { type BusEnvelope, InvalidRpcAnswerError } from "@chainlog/tx-schema";
import type { IngestMetrics } from "../ingest-metrics.ts";
import type { PublishedChain } from "../publish/published-chain.ts";
import { canonicalHash, HASH } from "./canonical-hash.ts";
import { findCommonAncestor } from "./find-common-ancestor.ts";

export interface RealtimeSyncContext {
  pool: RpcPool;
  chainId: number;
  logger: Logger;
  metrics: IngestMetrics;
  published: PublishedChain;
  /** The safe and finalized tags are asked for at most this often. Default 2000 ms. */
  finalityIntervalMs?: number;
}

/**
 * Keeps the published chain on the node's canonical chain: finds reorgs (at the head, behind a block that does
 * not link, or while ingest was down), rolls back to the common ancestor, and publishes the finality tags.
 * New blocks themselves are fetched by the historical sync, at the head as in a backfill.
 */
export function createRealtimeSync(ctx: RealtimeSyncContext) {
  const { pool, chainId, logger, metrics, published } = ctx;
  const { chain } = published;
  const finalityIntervalMs = ctx.finalityIntervalMs ?? 2000;
  let lastFinality = "";
  let lastFinalityCheck = 0;

  /** Our chain and the node disagree from height `n` down: find where, and roll back above it. */
  const repair = async (n: number, signal: AbortSignal) => {
    const ancestor = await findCommonAncestor(chain.all(), n, (m) => canonicalHash(pool, m));
    await published.rollbackTo(ancestor, signal);
  };

  const publishFinality = async (signal: AbortSignal) => {
    if (Date.now() - lastFinalityCheck < finalityIntervalMs) return;
    lastFinalityCheck = Date.now();
    try {
      const refs = await pool.withEndpoint(async (c) => {
        const out = await c.batch([
          { method: "eth_getBlockByNumber", params: ["safe", false] },
          { method: "eth_getBlockByNumber", params: ["finalized", false] },
        ]);
        return out.map((o) => {
          const v = o.ok ? (o.value as { number?: string; hash?: string } | null) : null;
          return v?.number && v.hash && HASH.test(v.hash)
            ? { number: Number(BigInt(v.number)), hash: v.hash }
            : null;
        });
      });
      const env: BusEnvelope = {
        kind: "finality",
        chainId,
        safe: refs[0] ?? null,
        finalized: refs[1] ?? null,
      };
      const key = JSON.stringify(env);
      if (key !== lastFinality && (env.safe || env.finalized)) {
        await published.publish([env], signal);
        lastFinality = key;
      }
    } catch (error) {
      logger.debug({ err: error }, "finality tags unavailable");
    }
  };

  return {
    repair,

    /**
     * Block `first` of a fetched batch does not link to our tip. Either the endpoint lied (the canonical parent
     * is still our tip: charge it and fetch again) or the chain reorganised (walk back and roll back).
     */
    async reconcile(fetched: FetchedBlocks, signal: AbortSignal) {
      const tip = chain.tip!;
      const parent = await canonicalHash(pool, tip.number, fetched.endpoint);
      if (parent === tip.hash) {
        metrics.invalidLinks.inc();
        pool.penalize(
          fetched.endpoint,
          new InvalidRpcAnswerError(
            "eth_getBlockByNumber",
            `block ${tip.number + 1} does not link to its parent`,
          ),
        );
        return;
      }
      await repair(tip.number - 1, signal);
    },

    /** A resumed chain: a reorg may have happened while we were down, so re-check the stored tip on the node. */
    async verifyResumedTip(signal: AbortSignal) {
      const tip = chain.tip;
      if (tip && (await canonicalHash(pool, tip.number)) !== tip.hash) await repair(tip.number - 1, signal);
    },

    /** At the head: has the node's chain moved under us (same-height or shorter reorg)? And finality. */
    async checkHead(signal: AbortSignal) {
      const tip = chain.tip;
      if (tip) {
        const latest = await pool.request("eth_getBlockByNumber", ["latest", false], { minHead: tip.number });
        const n = latest?.number ? Number(BigInt(latest.number)) : -1;
        const ours = chain.get(n);
        if (ours && latest?.hash && ours.hash !== latest.hash) {
          // Double-check on another endpoint before rolling anything back.
          if ((await canonicalHash(pool, n)) !== ours.hash) await repair(n, signal);
        }
      }
      await publishFinality(signal);
    },
  };
}

export type RealtimeSync = ReturnType<typeof createRealtimeSync>;
