import { type FetchedBlocks, fetchBlocks, type RpcPool } from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import { type BlockRef, type BusEnvelope, ChainlogError, InvalidRpcAnswerError } from "@chainlog/tx-schema";
import { DeepReorgError } from "./errors.ts";
import type { IngestMetrics } from "./ingest-metrics.ts";
import type { BlockSink } from "./publish/block-sink.ts";
import type { CursorStore } from "./publish/cursor-store.ts";
import { createProgress } from "./sync-historical/progress.ts";
import { blockAtTimestamp } from "./sync-historical/resolve-since.ts";
import { findCommonAncestor } from "./sync-realtime/find-common-ancestor.ts";
import { RecentChain } from "./sync-realtime/recent-chain.ts";

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

export class ChainIdMismatchError extends ChainlogError {
  override name = "ChainIdMismatchError";
}

const hex = (n: number) => `0x${n.toString(16)}` as const;
const HASH = /^0x[0-9a-f]{64}$/;

export function createIngest(options: IngestOptions) {
  const { pool, sink, logger, metrics, chainId } = options;
  const depth = options.reorgDepth ?? 64;
  const perBatch = options.blocksPerBatch ?? 10;
  const pollMs = options.pollIntervalMs ?? 500;
  const chain = new RecentChain(depth);
  const progress = createProgress({ logger, metrics, intervalMs: options.progressIntervalMs ?? 5000 });
  let lastProgressAt = Date.now();
  let started = false;
  let finished = false;
  let lastFinality = "";
  /** Why ingest is not advancing, or what it had to go without (shown in status); null when all is well. */
  let blockedBy: string | null = null;
  let lastFinalityCheck = 0;
  let lastCursorSave = 0;
  const cursorIntervalMs = options.cursorIntervalMs ?? 5000;
  const maxPerPublish = options.maxBlocksPerPublish ?? 200;
  let wake: (() => void) | undefined;
  options.onHeadSignal?.(() => wake?.());

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      wake = done;
      signal.addEventListener("abort", done, { once: true });
    });

  /** Retries until the sink takes it: nothing is skipped, and the cursor waits for the acknowledgement. */
  const publish = async (envelopes: BusEnvelope[], signal: AbortSignal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await sink.publish(envelopes);
        return;
      } catch (error) {
        metrics.publishErrors.inc();
        logger.warn({ err: (error as Error).message, attempt }, "publish failed; retrying");
        if (signal.aborted) throw error;
        await sleep(Math.min(5000, 200 * 2 ** attempt), signal);
      }
    }
  };

  const saveCursor = async () => {
    lastCursorSave = Date.now();
    await options.cursor?.save(chain.tip, chain.all());
  };

  const canonicalHash = async (n: number, avoid?: string): Promise<string | null> => {
    const b = await pool.request("eth_getBlockByNumber", [hex(n), false], {
      minHead: n,
      avoid,
    });
    if (b === null) return null;
    if (typeof b?.hash !== "string" || !HASH.test(b.hash))
      throw new InvalidRpcAnswerError("eth_getBlockByNumber", "header without a valid hash");
    return b.hash;
  };

  const rollbackTo = async (ancestor: BlockRef, signal: AbortSignal) => {
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
  };

  /** Our chain and the node disagree from height `n` down: find where, and roll back above it. */
  const repair = async (n: number, signal: AbortSignal) => {
    const ancestor = await findCommonAncestor(chain.all(), n, (m) => canonicalHash(m));
    await rollbackTo(ancestor, signal);
  };

  /**
   * Block `first` of a fetched batch does not link to our tip. Either the endpoint lied (the canonical parent
   * is still our tip: charge it and fetch again) or the chain reorganised (walk back and roll back).
   */
  const onMismatch = async (fetched: FetchedBlocks, signal: AbortSignal) => {
    const tip = chain.tip!;
    const parent = await canonicalHash(tip.number, fetched.endpoint);
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
  };

  /**
   * Publishes the linked prefix of consecutive batches in one bus write; false when a mismatch stopped it (the
   * caller refetches).
   */
  const apply = async (batches: FetchedBlocks[], signal: AbortSignal): Promise<boolean> => {
    const linked: BusEnvelope[] = [];
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
      await publish(linked, signal);
      let txs = 0;
      for (const env of linked) {
        if (env.kind !== "block") continue;
        chain.push({ number: env.block.number, hash: env.block.hash });
        txs += env.transactions.length;
      }
      if (broken || Date.now() - lastCursorSave >= cursorIntervalMs) await saveCursor();
      lastProgressAt = Date.now();
      metrics.blocks.inc(linked.length);
      metrics.transactions.inc(txs);
      metrics.tip.set(chain.tip!.number);
      metrics.lastProgress.set(lastProgressAt / 1000);
      progress.advance(linked.length, txs, chain.tip!.number);
    }
    if (broken) await onMismatch(broken, signal);
    return !broken;
  };

  /**
   * Fetches [start, end] in batches, several in flight (AIMD), and applies them strictly in order; batches that
   * arrived while the previous publish ran go out together (the bus's cost is per write, not per block).
   */
  const syncRange = async (start: number, end: number, signal: AbortSignal) => {
    const inflight = new Map<number, Promise<FetchedBlocks>>();
    const arrived = new Map<number, FetchedBlocks>();
    let nextFetch = start;
    let nextApply = start;
    const launch = () => {
      // The pool gives each endpoint an adaptive number of requests in flight; keep them all busy.
      while (inflight.size < pool.capacity() && nextFetch <= end) {
        const s = nextFetch;
        const e = Math.min(end, s + perBatch - 1);
        nextFetch = e + 1;
        const p = fetchBlocks(pool, chainId, s, e);
        // awaited in order below; the catch only keeps Node from flagging it early
        p.then((f) => inflight.get(s) === p && arrived.set(s, f)).catch(() => undefined);
        inflight.set(s, p);
      }
      metrics.concurrency.set(pool.capacity());
      metrics.inFlight.set(inflight.size);
    };
    try {
      launch();
      while (nextApply <= end && !signal.aborted) {
        const p = inflight.get(nextApply)!;
        inflight.delete(nextApply);
        arrived.delete(nextApply);
        const batches = [await p];
        let blocks = batches[0]!.envelopes.length;
        for (let at = nextApply + blocks; blocks < maxPerPublish && arrived.has(at); ) {
          const f = arrived.get(at)!;
          inflight.delete(at);
          arrived.delete(at);
          batches.push(f);
          blocks += f.envelopes.length;
          at += f.envelopes.length;
        }
        launch();
        if (!(await apply(batches, signal))) return;
        const last = batches[batches.length - 1]!.envelopes;
        nextApply = last[last.length - 1]!.block.number + 1;
        launch();
      }
      if (nextApply > end) await saveCursor();
    } finally {
      inflight.clear();
      arrived.clear();
      metrics.inFlight.set(0);
    }
  };

  /** At the head: has the node's chain moved under us (same-height or shorter reorg)? And finality. */
  const checkHead = async (signal: AbortSignal) => {
    const tip = chain.tip;
    if (tip) {
      const latest = await pool.request("eth_getBlockByNumber", ["latest", false], { minHead: tip.number });
      const n = latest?.number ? Number(BigInt(latest.number)) : -1;
      const ours = chain.get(n);
      if (ours && latest?.hash && ours.hash !== latest.hash) {
        // Double-check on another endpoint before rolling anything back.
        if ((await canonicalHash(n)) !== ours.hash) await repair(n, signal);
      }
    }
    if (Date.now() - lastFinalityCheck < (options.finalityIntervalMs ?? 2000)) return;
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
        await publish([env], signal);
        lastFinality = key;
      }
    } catch (error) {
      logger.debug({ err: (error as Error).message }, "finality tags unavailable");
    }
  };

  const startBlock = async (signal: AbortSignal): Promise<number> => {
    const cursor = await options.cursor?.load();
    if (cursor) {
      if (cursor.chainId !== chainId)
        throw new ChainIdMismatchError(
          `the stored cursor is for chain ${cursor.chainId}, the node is ${chainId}`,
        );
      chain.reset([...cursor.recent, cursor.tip]);
      // A reorg may have happened while we were down: re-check the stored tip hashes against the node.
      if ((await canonicalHash(cursor.tip.number)) !== cursor.tip.hash)
        await repair(cursor.tip.number - 1, signal);
      logger.info({ tip: chain.tip?.number }, "resuming from the stored cursor");
      return chain.tip!.number + 1;
    }
    let from = 0;
    if (options.from === "latest") from = pool.head();
    else if (options.from !== undefined) from = options.from;
    else if (options.sinceSeconds !== undefined) {
      from = await blockAtTimestamp(pool, Math.floor(Date.now() / 1000) - options.sinceSeconds, pool.head());
      logger.info({ since: options.sinceSeconds, from }, "resolved the start block by timestamp");
    }
    // Seed the chain with the parent of the first block, so even that block's parent hash is checked. A node
    // that cannot give it (pruned, or a bad answer) is asked again with back-off; then ingest starts without
    // that one check rather than not at all, and says so in its status.
    if (from > 0) {
      for (let attempt = 0; ; attempt++) {
        try {
          const parent = await canonicalHash(from - 1);
          if (parent) chain.reset([{ number: from - 1, hash: parent }]);
          blockedBy = null;
          break;
        } catch (error) {
          const cause = `the parent of start block ${from} cannot be fetched: ${(error as Error).message}`;
          if (attempt >= (options.parentAttempts ?? 4) - 1 || signal.aborted) {
            blockedBy = `${cause}; started without checking block ${from}'s parent hash`;
            logger.warn({ from, err: (error as Error).message }, "starting without the start block's parent");
            break;
          }
          blockedBy = `${cause}; retrying`;
          logger.warn(
            { from, attempt, err: (error as Error).message },
            "start block's parent unavailable; retrying",
          );
          await sleep(Math.min(30_000, (options.parentRetryMs ?? 1000) * 2 ** attempt), signal);
        }
      }
    }
    return from;
  };

  const run = async (signal: AbortSignal = new AbortController().signal) => {
    pool.start();
    await pool.checkHealth();
    // A start that fails (no endpoint answers yet) is retried here with back-off: crashing would only restart
    // the process into the same failure.
    let next = 0;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        next = await startBlock(signal);
        break;
      } catch (error) {
        if (error instanceof ChainIdMismatchError || error instanceof DeepReorgError) throw error;
        blockedBy = `cannot start: ${(error as Error).message}`;
        logger.warn({ attempt, err: (error as Error).message }, "start failed; retrying");
        await sleep(Math.min(30_000, 1000 * 2 ** attempt), signal);
      }
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
          if (head >= 0 && next <= target) await syncRange(next, target, signal);
          else {
            if (head >= 0) await checkHead(signal);
            await sleep(pollMs, signal);
            if (!signal.aborted) await pool.checkHealth();
          }
        } catch (error) {
          if (error instanceof DeepReorgError) throw error;
          logger.warn({ err: (error as Error).message }, "sync step failed; retrying");
          await sleep(1000, signal);
        }
        next = (chain.tip?.number ?? next - 1) + 1;
      }
    } finally {
      progress.stop();
      finished = true;
      await saveCursor();
    }
  };

  return {
    run,
    status: () => ({
      tip: chain.tip ?? null,
      head: pool.head(),
      lastProgressAt,
      concurrency: pool.capacity(),
      endpoints: pool.status(),
      blockedBy,
    }),
    /** Readiness: some endpoint in rotation, and not stuck behind the head. */
    ready(now = Date.now()): { ok: boolean; reason?: string } {
      if (!started) return { ok: false, reason: blockedBy ?? "starting" };
      if (finished) return { ok: false, reason: "stopped" };
      if (pool.healthyCount() === 0) return { ok: false, reason: "no healthy RPC endpoint" };
      const behind = pool.head() - (chain.tip?.number ?? -1) > (options.maxLag ?? 5);
      if (behind && now - lastProgressAt > (options.stuckAfterMs ?? 60_000))
        return {
          ok: false,
          reason: `no progress for ${Math.round((now - lastProgressAt) / 1000)} s while behind`,
        };
      return { ok: true };
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;
