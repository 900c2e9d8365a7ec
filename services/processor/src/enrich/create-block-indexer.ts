import type { Store } from "@chainlog/ports";
import type { Logger } from "@chainlog/telemetry";
import type { BlockEnvelope, TokenMetadata, TokenStandard } from "@chainlog/tx-schema";
import { derivePrices } from "../derive/dex-prices.ts";
import { enrichSwaps, pricedPools, type SwapPool } from "../derive/enrich-swaps.ts";
import { resolvePriceQuotes } from "../derive/price-quotes.ts";
import { type IndexedEnvelope, indexBlock } from "../index-block.ts";
import type { RpcAnswer } from "../rpc/json-rpc-batch.ts";
import { type RpcClient, RpcUnavailableError } from "../rpc/rpc-client.ts";
import {
  createTokenMetadataFetcher,
  type TokenMetadata as FetchedMetadata,
} from "../token-metadata/fetch-token-metadata.ts";
import { createPoolTokenReader, type PoolTokens } from "./pool-tokens.ts";
import { readBalances } from "./read-balances.ts";
import { type BlockTrace, TraceUnavailableError, traceCreations } from "./trace-creations.ts";

export type TraceMode = "auto" | "on" | "off";
/** Blocks per debug_traceBlockByHash request: small enough that one request ends well within the timeout. */
const TRACE_BLOCKS_PER_REQUEST = 5;
export type EnrichmentStep = "pools" | "tokens" | "traces" | "balances";

export interface BlockIndexerContext {
  /** null: no node to ask; blocks get only what they carry (no pool tokens, prices, traces or balances). */
  rpc: RpcClient | null;
  store: Pick<Store, "getTokens" | "upsertTokens">;
  logger: Logger;
  traces?: TraceMode;
  weth?: string;
  stablecoins?: readonly string[];
  /** Whether balances of this (lower-case) address are kept. */
  watched?: (address: string) => boolean;
  /** First pause of tracing after the node took too long to trace (doubles while it stays slow). Default 60 s. */
  tracePauseMs?: number;
  /** Called once per block and step that had to go without the node's answer. */
  onEnrichmentFailure?: (step: EnrichmentStep, blocks: number) => void;
}

export interface BlockIndexer {
  /** Every IndexedBlock field of each envelope, in order. Never throws for the node's sake: see onEnrichmentFailure. */
  index(envelopes: readonly BlockEnvelope[]): Promise<IndexedEnvelope[]>;
  /** Whether traced creations are being read (auto mode turns them off when the node cannot trace). */
  tracing(): boolean;
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

/**
 * Turns envelopes into complete IndexedBlocks: decodes (pure), then asks the node, batched over all the blocks of
 * a write, for what the logs do not say: the pools' tokens, token metadata (stored once per token), CREATE/CREATE2
 * from traces, and watched addresses' balances at each block. When the node cannot answer within the RPC client's
 * retry budget, the block is written without that part and the failure is counted: raw rows are never held back.
 */
export function createBlockIndexer(ctx: BlockIndexerContext): BlockIndexer {
  const { rpc, logger } = ctx;
  const tokens = rpc ? createTokenMetadataFetcher({ rpc }) : null;
  const pools = rpc ? createPoolTokenReader(rpc) : null;
  let traceMode: TraceMode = rpc ? (ctx.traces ?? "auto") : "off";
  /** Tokens known to be in the store already; bounded like the fetcher's cache. */
  const stored = new Set<string>();
  const fail = (step: EnrichmentStep, blocks: number, error: unknown) => {
    ctx.onEnrichmentFailure?.(step, blocks);
    logger.warn(
      { step, blocks, err: error instanceof Error ? error.message : String(error) },
      "enrichment read failed; writing the blocks without it",
    );
  };
  /** Runs a step; a node that cannot answer costs the step, never the blocks. */
  const attempt = async <T>(
    step: EnrichmentStep,
    blocks: number,
    fn: () => Promise<T>,
  ): Promise<T | null> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof RpcUnavailableError)) throw error;
      fail(step, blocks, error);
      return null;
    }
  };

  const storeNewTokens = async (
    out: IndexedEnvelope[],
    metadata: Map<string, FetchedMetadata>,
  ): Promise<void> => {
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

  /*
   * Tracing re-executes whole blocks: it is the costliest thing the processor asks of a node, and a node busy
   * tracing answers ingest late too. So traces go a few blocks per request, one request at a time, and are not
   * retried; a node too slow to trace them pauses tracing (60 s, doubling up to 15 min while it stays slow)
   * instead of holding every batch for the retry budget. Blocks written meanwhile are counted as without traces.
   */
  const firstPauseMs = ctx.tracePauseMs ?? 60_000;
  let pauseMs = firstPauseMs;
  let pausedUntil = 0;
  const readTraces = async (out: IndexedEnvelope[]): Promise<void> => {
    if (traceMode === "off" || !rpc) return;
    if (Date.now() < pausedUntil) {
      ctx.onEnrichmentFailure?.("traces", out.length);
      return;
    }
    const answers: RpcAnswer[] = [];
    for (let i = 0; i < out.length; i += TRACE_BLOCKS_PER_REQUEST) {
      const chunk = out.slice(i, i + TRACE_BLOCKS_PER_REQUEST);
      try {
        answers.push(
          ...(await rpc.batch(
            chunk.map(({ indexed }) => ({
              method: "debug_traceBlockByHash",
              params: [indexed.block.hash, { tracer: "callTracer" }],
            })),
            { retryForMs: 0 },
          )),
        );
      } catch (error) {
        if (!(error instanceof RpcUnavailableError)) throw error;
        pausedUntil = Date.now() + pauseMs;
        logger.warn(
          { pauseMs, err: error.message },
          "the node is too slow to trace; tracing paused, contract creations come from receipts meanwhile",
        );
        pauseMs = Math.min(pauseMs * 2, 15 * 60_000);
        ctx.onEnrichmentFailure?.("traces", out.length - i);
        break;
      }
    }
    if (answers.length === out.length) pauseMs = firstPauseMs;
    let failed = 0;
    let reason = "";
    out.slice(0, answers.length).forEach(({ indexed }, i) => {
      const a = answers[i];
      try {
        if (!a?.ok) throw new TraceUnavailableError(a ? `${a.code} ${a.message}` : "no answer");
        const traced = traceCreations(a.result as BlockTrace, indexed.block, indexed.transactions);
        const known = new Set(indexed.contractCreations.map((c) => c.address));
        for (const c of traced) if (!known.has(c.address)) indexed.contractCreations.push(c);
      } catch (error) {
        if (!(error instanceof TraceUnavailableError)) throw error;
        failed += 1;
        reason = error.message;
      }
    });
    if (failed === 0) return;
    if (traceMode === "auto") {
      // The node cannot trace (no debug API, or pruned state): stop asking rather than fail every block.
      traceMode = "off";
      logger.warn({ reason }, "the node cannot trace blocks; contract creations come from receipts only");
    } else fail("traces", failed, new TraceUnavailableError(reason));
  };

  return {
    tracing: () => traceMode !== "off",
    async index(envelopes) {
      const out = envelopes.map(indexBlock);
      if (!rpc || !tokens || !pools || out.length === 0) return out;

      const prices = async () => {
        // Pools and the tokens they pair, then every token's metadata, in two batched round trips.
        const poolAddresses = new Set<string>();
        for (const { decoded } of out) {
          for (const s of decoded.swaps) poolAddresses.add(s.pool);
          for (const s of decoded.syncs) poolAddresses.add(s.pool);
        }
        const poolTokens =
          poolAddresses.size > 0
            ? await attempt("pools", out.length, () => pools.get(poolAddresses))
            : new Map<string, PoolTokens | null>();
        const wanted = new Set<string>();
        for (const { indexed } of out) {
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
            ? await attempt("tokens", out.length, () => tokens.get([...wanted]))
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
        for (const { indexed, decoded } of out) {
          const from = new Map(indexed.transactions.map((t) => [t.hash, t.from]));
          indexed.swaps = enrichSwaps(decoded.swaps, from, swapPools);
          const quotes = resolvePriceQuotes(indexed.chainId, {
            weth: ctx.weth,
            stablecoins: ctx.stablecoins,
          });
          if (quotes && priced.size > 0)
            indexed.pricePoints = derivePrices({
              swaps: decoded.swaps,
              syncs: decoded.syncs,
              pools: priced,
              weth: quotes.weth,
              stablecoins: quotes.stablecoins,
              timestamp: indexed.block.timestamp,
            });
        }
        if (metadata) await storeNewTokens(out, metadata);
      };

      const balances = async () => {
        if (!ctx.watched) return;
        const watched = ctx.watched;
        const read = await attempt("balances", out.length, () =>
          readBalances(
            rpc,
            out.map((o) => o.indexed),
            watched,
          ),
        );
        if (read) {
          out.forEach((o, i) => {
            o.indexed.balances = read.snapshots[i] ?? [];
          });
          if (read.failed > 0)
            fail("balances", 1, new RpcUnavailableError(`${read.failed} balance reads refused`));
        }
      };
      // Independent reads: pools → tokens → prices, traces, and balances go to the node side by side.
      await Promise.all([prices(), readTraces(out), balances()]);
      return out;
    },
  };
}
