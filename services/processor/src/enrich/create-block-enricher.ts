import { setTimeout as sleep } from "node:timers/promises";
import type { BlockEnrichment, ChainWriter } from "@chainlog/ports";
import {
  createTokenMetadataFetcher,
  type TokenMetadata as FetchedMetadata,
  NoHealthyEndpointError,
  permanentKind,
  type RpcPool,
  RpcResponseError,
  TraceUnavailableError,
  traceBlockFrames,
} from "@chainlog/rpc";
import type { Logger } from "@chainlog/telemetry";
import type {
  ContractCreation,
  EnrichmentMark,
  EnrichmentPart,
  InternalTransaction,
  TokenMetadata,
  TokenStandard,
} from "@chainlog/tx-schema";
import { derivePrices } from "../derive/dex-prices.ts";
import { enrichSwaps, pricedPools, type SwapPool } from "../derive/enrich-swaps.ts";
import { resolvePriceQuotes } from "../derive/price-quotes.ts";
import type { IndexedEnvelope } from "../index-block.ts";
import { createPoolTokenReader, type PoolTokens } from "./pool-tokens.ts";
import { readBalances } from "./read-balances.ts";
import { traceCreations } from "./trace-creations.ts";

export type TraceMode = "auto" | "on" | "off";
/** The features a node may refuse for good (method missing, state pruned): turned off for it, probed again later. */
export const TRACES = "traces";
export const HISTORICAL_STATE = "historical-state";

export interface BlockEnricherContext {
  /** null: no node to ask; every part is "off". */
  pool: RpcPool | null;
  store: Pick<ChainWriter, "getTokens" | "upsertTokens">;
  logger: Logger;
  traces?: TraceMode;
  weth?: string;
  stablecoins?: readonly string[];
  /** Whether balances of this (lower-case) address are kept. */
  watched?: (address: string) => boolean;
  /** Trace requests in flight (one block each). Default 2: tracing re-executes blocks, the node's costliest work. */
  traceConcurrency?: number;
  /**
   * Whether the raw stage is behind the node's head. Ingest then needs the node's whole time: traces run with
   * `catchUpTraceConcurrency` in flight instead, and at full concurrency again once raw is at the head.
   */
  catchingUp?: () => boolean;
  /** Trace requests in flight while catching up (0: none until raw is at the head). Default 0. */
  catchUpTraceConcurrency?: number;
  /** Ends the wait of traces held back while catching up (shutdown); the batch is redone after a restart. */
  signal?: AbortSignal;
  /**
   * How long one block's trace may take before it is asked again. Default 120 s: a busy node takes seconds to
   * re-execute a full block, and a trace abandoned early is still run to its end by the node, then run again.
   */
  traceTimeoutMs?: number;
  /** How long a transient failure of an enrichment read is retried before that part is marked failed. Default 30 s. */
  retryForMs?: number;
}

export interface BlockEnricher {
  /** Each block's enrichment and mark, in order. Never throws for the node's sake: a part it cannot give is marked. */
  enrich(blocks: readonly IndexedEnvelope[]): Promise<BlockEnrichment[]>;
}

/** Token strings are shown in UIs and CSVs: drop control characters (NUL padding and worse), cap the length. */
function text(s: string | null): string | null {
  if (s === null) return null;
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code !== 0x7f) out += ch;
  }
  return out.slice(0, 200) || null;
}

/** How often a trace held back while catching up looks again whether it may run. */
const HELD_POLL_MS = 250;

/**
 * Runs tasks with at most `limit()` in flight, results in order. The limit is read again before each task, so it
 * may fall (even to 0: the tasks wait) and rise while the batch runs; a task in flight always finishes.
 */
async function mapPaced<T, R>(
  items: readonly T[],
  max: number,
  limit: () => number,
  signal: AbortSignal | undefined,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (slot: number) => {
    while (next < items.length && !failed) {
      if (slot >= limit()) {
        await sleep(HELD_POLL_MS, undefined, { signal });
        continue;
      }
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (error) {
        failed = true; // the other slots stop taking tasks: the batch fails as a whole and is redone
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(max, items.length) }, (_, slot) => worker(slot)));
  return out;
}

/**
 * The enrichment stage's work on a batch of stored blocks: everything that needs extra RPC calls. Pools' tokens
 * and token metadata (batched over the blocks, cached), DEX swap details and prices, call traces (contracts
 * created by contracts), and watched addresses' balances at each block. A permanent answer turns that part off
 * for the endpoint (the pool probes it again later) instead of failing each block; a transient one is retried
 * for `retryForMs`, then the part is marked failed for those blocks. The raw rows never wait for any of it.
 */
export function createBlockEnricher(ctx: BlockEnricherContext): BlockEnricher {
  const { pool, logger } = ctx;
  const retryForMs = ctx.retryForMs ?? 30_000;
  const tokens = pool
    ? createTokenMetadataFetcher({ pool: { batch: (c) => pool.batch(c, { retryForMs }) } })
    : null;
  const pools = pool ? createPoolTokenReader({ batch: (c) => pool.batch(c, { retryForMs }) }) : null;
  const traceMode: TraceMode = pool ? (ctx.traces ?? "auto") : "off";
  const traceConcurrency = ctx.traceConcurrency ?? 2;
  const catchUpTraceConcurrency = Math.min(traceConcurrency, ctx.catchUpTraceConcurrency ?? 0);
  const traceSlots = () => (ctx.catchingUp?.() ? catchUpTraceConcurrency : traceConcurrency);
  /** Tokens known to be in the store already; bounded like the fetcher's cache. */
  const stored = new Set<string>();

  /** Runs a read; a node that cannot answer costs the part ("failed"), never the blocks. */
  const attempt = async <T>(part: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof NoHealthyEndpointError)) throw error;
      logger.warn({ part, err: error }, "enrichment read failed; the blocks are marked without it");
      return null;
    }
  };

  const storeNewTokens = async (out: readonly IndexedEnvelope[], metadata: Map<string, FetchedMetadata>) => {
    const firstSeen = new Map<string, { block: number; standard: TokenStandard | null }>();
    const see = (token: string, block: number, standard: TokenStandard | null) => {
      if (stored.has(token)) return;
      if (!metadata.has(token) && standard === null) return;
      const prev = firstSeen.get(token);
      if (!prev) firstSeen.set(token, { block, standard });
      else {
        if (block < prev.block) prev.block = block;
        prev.standard ??= standard;
      }
    };
    for (const { indexed } of out) {
      const n = indexed.block.number;
      for (const t of indexed.tokenTransfers) see(t.token, n, t.standard);
      for (const a of indexed.approvals) see(a.token, n, null);
      for (const w of indexed.wethEvents) see(w.token, n, null);
      for (const s of indexed.swaps) {
        if (s.token0) see(s.token0, n, null);
        if (s.token1) see(s.token1, n, null);
      }
    }
    if (firstSeen.size === 0) return;
    const present = await ctx.store.getTokens([...firstSeen.keys()]);
    const written: TokenMetadata[] = [];
    const settled: string[] = [];
    for (const [address, seen] of firstSeen) {
      const have = present.get(address);
      if (have) {
        // A token first met through an approval or a swap has no standard yet; its first transfer tells it.
        if (have.standard === null && seen.standard !== null)
          written.push({
            ...have,
            standard: seen.standard,
            firstSeenBlock: Math.min(have.firstSeenBlock, seen.block),
          });
        if (have.standard !== null || seen.standard !== null) settled.push(address);
        continue;
      }
      const m = metadata.get(address);
      if (!m) continue; // metadata could not be read this time: try again when the token shows up next
      written.push({
        address,
        standard: seen.standard,
        name: text(m.name),
        symbol: text(m.symbol),
        decimals: m.decimals,
        firstSeenBlock: seen.block,
      });
      if (seen.standard !== null) settled.push(address);
    }
    if (written.length > 0) await ctx.store.upsertTokens(written);
    if (stored.size > 200_000) stored.clear();
    // Only tokens whose standard is known stop being looked at; the others are re-checked when they appear.
    for (const address of settled) stored.add(address);
  };

  type Traced = { part: EnrichmentPart; creations: ContractCreation[]; internal: InternalTransaction[] };
  const without = (part: EnrichmentPart): Traced => ({ part, creations: [], internal: [] });

  /** One block's call traces: its internal transactions and traced creations, or why there are none. */
  const traceBlock = async (b: IndexedEnvelope): Promise<Traced> => {
    if (traceMode === "off" || !pool) return without("off");
    if (b.indexed.transactions.length === 0) return without("none");
    if (!pool.featureAvailable(TRACES)) return without("off");
    try {
      const frames = await traceBlockFrames(pool, b.indexed.block, b.indexed.transactions, {
        by: "hash",
        timeoutMs: ctx.traceTimeoutMs ?? 120_000,
        // the node cannot trace (no debug API, no tracer, pruned state): off for this endpoint, not per block
        refuses: (error) => error instanceof TraceUnavailableError && traceMode === "auto",
      });
      const known = new Set(b.indexed.contractCreations.map((c) => c.address));
      return {
        part: "done",
        creations: traceCreations(frames).filter((c) => !known.has(c.address)),
        // the transactions' own calls are the transactions themselves: stored are the calls they made
        internal: frames.filter((f) => f.depth > 0),
      };
    } catch (error) {
      // traceBlockFrames turned traces off for the endpoint that refused
      const permanent = error instanceof RpcResponseError && permanentKind(error) !== null;
      if (permanent || (error instanceof TraceUnavailableError && traceMode === "auto"))
        return without("off");
      if (error instanceof NoHealthyEndpointError || error instanceof TraceUnavailableError) {
        logger.warn({ block: b.indexed.block.number, err: error }, "block not traced");
        return without("failed");
      }
      throw error;
    }
  };

  return {
    async enrich(blocks) {
      const marks = blocks.map(({ indexed }) => ({
        blockNumber: indexed.block.number,
        blockHash: indexed.block.hash,
        traces: "none" as EnrichmentPart,
        tokens: "none" as EnrichmentPart,
        pools: "none" as EnrichmentPart,
        balances: "none" as EnrichmentPart,
      }));
      const out: BlockEnrichment[] = blocks.map(({ indexed }, i) => ({
        mark: { ...marks[i]!, enrichedAt: 0 },
        contractCreations: [],
        internalTransactions: [],
        swaps: indexed.swaps,
        pricePoints: [],
        balances: [],
      }));
      if (!pool || !tokens || !pools) {
        for (const e of out)
          Object.assign(e.mark, { traces: "off", tokens: "off", pools: "off", balances: "off" });
        return out.map((e) => ({ ...e, mark: { ...e.mark, enrichedAt: Date.now() } }));
      }

      const prices = async () => {
        // Pools and the tokens they pair, then every token's metadata, in two batched round trips.
        const poolAddresses = new Set<string>();
        for (const { decoded } of blocks) {
          for (const s of decoded.swaps) poolAddresses.add(s.pool);
          for (const s of decoded.syncs) poolAddresses.add(s.pool);
        }
        const poolTokens =
          poolAddresses.size > 0
            ? await attempt("pools", () => pools.get(poolAddresses))
            : new Map<string, PoolTokens | null>();
        const wanted = new Set<string>();
        for (const { indexed } of blocks) {
          for (const t of indexed.tokenTransfers) wanted.add(t.token);
          for (const a of indexed.approvals) wanted.add(a.token);
          for (const w of indexed.wethEvents) wanted.add(w.token);
        }
        for (const p of poolTokens?.values() ?? [])
          if (p) {
            wanted.add(p.token0);
            wanted.add(p.token1);
          }
        const metadata =
          wanted.size > 0
            ? await attempt("tokens", () => tokens.get([...wanted]))
            : new Map<string, FetchedMetadata>();

        const swapPools = new Map<string, SwapPool | null>();
        for (const [address, p] of poolTokens ?? []) {
          swapPools.set(
            address,
            p && {
              ...p,
              decimals0: metadata?.get(p.token0)?.decimals ?? null,
              decimals1: metadata?.get(p.token1)?.decimals ?? null,
            },
          );
        }
        const priced = pricedPools(swapPools);
        blocks.forEach(({ indexed, decoded }, i) => {
          const m = marks[i]!;
          const hasPools = decoded.swaps.length + decoded.syncs.length > 0;
          m.pools = !hasPools ? "none" : poolTokens ? "done" : "failed";
          const hasTokens =
            indexed.tokenTransfers.length + indexed.approvals.length + indexed.wethEvents.length > 0 ||
            hasPools;
          m.tokens = !hasTokens ? "none" : metadata ? "done" : "failed";
          const from = new Map(indexed.transactions.map((t) => [t.hash, t.from]));
          out[i]!.swaps = enrichSwaps(decoded.swaps, from, swapPools);
          const quotes = resolvePriceQuotes(indexed.chainId, {
            weth: ctx.weth,
            stablecoins: ctx.stablecoins,
          });
          if (quotes && priced.size > 0)
            out[i]!.pricePoints = derivePrices({
              swaps: decoded.swaps,
              syncs: decoded.syncs,
              pools: priced,
              weth: quotes.weth,
              stablecoins: quotes.stablecoins,
              timestamp: indexed.block.timestamp,
            });
        });
        if (metadata)
          await storeNewTokens(
            blocks.map((b, i) => ({ ...b, indexed: { ...b.indexed, swaps: out[i]!.swaps } })),
            metadata,
          );
      };

      const traces = async () => {
        // Only traces that ask the node are held back while catching up (none when traces are off for it).
        const asksNode = (b: IndexedEnvelope) =>
          traceMode !== "off" && b.indexed.transactions.length > 0 && pool.featureAvailable(TRACES);
        const traced = await Promise.all(blocks.map((b) => (asksNode(b) ? null : traceBlock(b))));
        const asking = blocks.flatMap((_, i) => (traced[i] ? [] : [i]));
        const answers = await mapPaced(asking, traceConcurrency, traceSlots, ctx.signal, (i) =>
          traceBlock(blocks[i]!),
        );
        asking.forEach((i, k) => {
          traced[i] = answers[k]!;
        });
        traced.forEach((t, i) => {
          if (!t) return;
          marks[i]!.traces = t.part;
          out[i]!.contractCreations = t.creations;
          out[i]!.internalTransactions = t.internal;
        });
      };

      const balances = async () => {
        if (!ctx.watched) {
          for (const m of marks) m.balances = "off";
          return;
        }
        if (!pool.featureAvailable(HISTORICAL_STATE)) {
          for (const m of marks) m.balances = "off";
          return;
        }
        const watched = ctx.watched;
        const read = await attempt("balances", () =>
          readBalances(
            { batch: (c) => pool.batch(c, { retryForMs, feature: HISTORICAL_STATE }) },
            blocks.map((o) => o.indexed),
            watched,
          ),
        );
        blocks.forEach((_, i) => {
          const snapshots = read?.snapshots[i] ?? [];
          out[i]!.balances = snapshots;
          marks[i]!.balances = !read ? "failed" : read.touched[i] === 0 ? "none" : "done";
        });
        if (read?.refusal) {
          // pruned state: every endpoint that refused it goes without balances until probed again
          for (const ep of pool.status())
            if (ep.healthy) pool.featureOff(ep.label, HISTORICAL_STATE, read.refusal);
          blocks.forEach((_, i) => {
            if (read.touched[i]! > 0) marks[i]!.balances = "off";
          });
        }
      };
      // Independent reads: pools → tokens → prices, traces, and balances go to the node side by side.
      await Promise.all([prices(), traces(), balances()]);
      const now = Date.now();
      return out.map((e, i) => ({ ...e, mark: { ...marks[i]!, enrichedAt: now } satisfies EnrichmentMark }));
    },
  };
}
