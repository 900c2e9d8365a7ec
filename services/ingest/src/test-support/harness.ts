import { type Anvil, rpc, type StartAnvilParameters, sendAndWaitForHead } from "@chainlog/devnet";
import { anvilForSuite } from "@chainlog/devnet/vitest";
import { waitFor as waitUntilHolds } from "@chainlog/ports/contract";
import { createRpcMetrics, createRpcPool } from "@chainlog/rpc";
import type { EndpointConfig } from "@chainlog/runtime-config";
import { createLogger, createMetricsRegistry, type Logger } from "@chainlog/telemetry";
import type { BlockRef, BusEnvelope } from "@chainlog/tx-schema";
import { createIngest, type IngestOptions } from "../ingest.ts";
import { createIngestMetrics } from "../ingest-metrics.ts";
import { createCollectingSink } from "../publish/block-sink.ts";
import type { CursorStore } from "../publish/cursor-store.ts";
import { createPublishedChain } from "../publish/published-chain.ts";
import {
  createHistoricalSync,
  type HistoricalSyncContext,
} from "../sync-historical/create-historical-sync.ts";
import { createProgress } from "../sync-historical/progress.ts";
import { createRealtimeSync } from "../sync-realtime/create-realtime-sync.ts";
import { createWakeableSleep } from "../wakeable-sleep.ts";

export { rpc };

/** A pool over real endpoints with fast health checks, and the registry and logger it reports to. */
function testPool(
  endpoints: EndpointConfig[],
  options: { maxLag?: number; maxConcurrency?: number; logger?: Logger },
) {
  const registry = createMetricsRegistry("ingest-test");
  const logger = options.logger ?? createLogger("ingest-test", process.env.TEST_LOG_LEVEL ?? "silent");
  const pool = createRpcPool({
    endpoints,
    maxLag: options.maxLag ?? 5,
    timeoutMs: 2000,
    healthIntervalMs: 200,
    maxConcurrency: options.maxConcurrency,
    logger,
    metrics: createRpcMetrics(registry),
  });
  return { registry, logger, pool };
}

/** An ingest over real endpoints, publishing into an in-memory sink the test can read. */
export function ingestHarness(
  endpoints: EndpointConfig[],
  options: Partial<IngestOptions> & { maxLag?: number; maxConcurrency?: number; logger?: Logger } = {},
) {
  const { registry, logger, pool } = testPool(endpoints, options);
  const sink = createCollectingSink();
  const ingest = createIngest({
    pool,
    sink,
    chainId: 31337,
    logger,
    metrics: createIngestMetrics(registry),
    pollIntervalMs: 100,
    ...options,
  });
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  return {
    pool,
    sink,
    ingest,
    registry,
    /** Waits until ingest's published tip passes `check`. */
    untilTip: (check: (tip: BlockRef | null) => boolean, timeoutMs: number, what: string) =>
      waitFor(() => check(ingest.status().tip), timeoutMs, what),
    /** What a consumer of the stream so far holds, by height. */
    held: () => applyStream(sink.envelopes),
    start() {
      running = ingest.run(abort.signal);
      return running;
    },
    async stop() {
      abort.abort();
      await running?.catch(() => undefined);
      pool.close();
    },
    /** Stops as the service does on SIGTERM: the pool closes at once, ending the fetches in flight. */
    async stopNow() {
      abort.abort();
      pool.close();
      await running?.catch(() => undefined);
    },
  };
}

/**
 * The two syncs and the published chain they share, wired as ingest wires them, without ingest's loop: a test
 * drives each step itself. Finality is asked for on every head check.
 */
export async function openSyncHarness(
  endpoints: EndpointConfig[],
  options: Partial<
    Pick<HistoricalSyncContext, "from" | "sinceSeconds" | "blocksPerBatch" | "maxBlocksPerPublish">
  > & {
    cursor?: CursorStore;
    chainId?: number;
  } = {},
) {
  const { registry, logger, pool } = testPool(endpoints, {});
  const metrics = createIngestMetrics(registry);
  const chainId = options.chainId ?? 31337;
  const sink = createCollectingSink();
  const { sleep } = createWakeableSleep();
  const published = createPublishedChain({
    sink,
    cursor: options.cursor,
    chainId,
    logger,
    metrics,
    reorgDepth: 64,
    cursorIntervalMs: 5000,
    sleep,
  });
  const realtime = createRealtimeSync({ pool, chainId, logger, metrics, published, finalityIntervalMs: 0 });
  const blockedBy: (string | null)[] = [];
  const historical = createHistoricalSync({
    ...options,
    pool,
    chainId,
    logger,
    metrics,
    published,
    realtime,
    progress: createProgress({ logger, metrics, intervalMs: 60_000 }),
    sleep,
    onBlocked: (reason) => blockedBy.push(reason),
  });
  pool.start();
  await pool.checkHealth();
  return {
    pool,
    sink,
    registry,
    published,
    realtime,
    historical,
    blockedBy,
    signal: new AbortController().signal,
    close: () => pool.close(),
  };
}

/** Applies rollbacks to the published stream: what a consumer ends up holding, by height. */
export function applyStream(envelopes: BusEnvelope[]): Map<number, string> {
  const held = new Map<number, string>();
  for (const env of envelopes) {
    if (env.kind === "block") {
      if (held.has(env.block.number)) throw new Error(`duplicate block ${env.block.number} without rollback`);
      held.set(env.block.number, env.block.hash);
    } else if (env.kind === "rollback") {
      if (held.get(env.block.number) !== env.block.hash)
        throw new Error(`rollback of unknown block ${env.block.number}`);
      held.delete(env.block.number);
    }
  }
  return held;
}

/** The node's canonical chain from 0 to its head, by height. */
export async function canonicalChain(url: string): Promise<Map<number, string>> {
  const head = Number(BigInt(await rpc<string>(url, "eth_blockNumber")));
  const out = new Map<number, string>();
  for (let n = 0; n <= head; n++) {
    const b = await rpc<{ hash: string }>(url, "eth_getBlockByNumber", [`0x${n.toString(16)}`, false]);
    out.set(n, b.hash);
  }
  return out;
}

/** The contract suites' waitFor (vitest's vi.waitFor), with the timeout before the name as this suite passes it. */
export function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return waitUntilHolds(check, what, timeoutMs, 50);
}

/** The suite's anvil (killed at the end), holding `transfers` ETH transfers and then `emptyBlocks` more blocks. */
export function anvilWithTransfers(
  params: StartAnvilParameters,
  transfers: number,
  emptyBlocks: number,
): Anvil {
  return anvilForSuite(params, {
    end: "kill",
    prepare: async (node) => {
      await sendTransfers(node.rpcUrl, transfers);
      await rpc(node.rpcUrl, "anvil_mine", [`0x${emptyBlocks.toString(16)}`]);
    },
  });
}

/**
 * Sends `count` ETH transfers from anvil's first dev account (unlocked) and returns once the node's head holds
 * the last of them (resume.test.ts read the head right after, one block short, and waited for a tip ingest had
 * already passed).
 */
export async function sendTransfers(url: string, count: number, salt = 1): Promise<void> {
  const accounts = await rpc<string[]>(url, "eth_accounts");
  const from = accounts[0]!;
  const to = accounts[(salt % (accounts.length - 1)) + 1]!;
  for (let i = 0; i < count; i++) {
    const tx = { from, to, value: `0x${(salt * 1000 + i + 1).toString(16)}` };
    // anvil mines them in order: only the last needs waiting for
    if (i < count - 1) await rpc(url, "eth_sendTransaction", [tx]);
    else await sendAndWaitForHead(url, tx);
  }
}
