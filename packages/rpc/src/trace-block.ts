import type { InternalTransaction } from "@chainlog/tx-schema";
import { permanentKind } from "./classify.ts";
import { RpcResponseError } from "./errors.ts";
import { flattenBlockTrace } from "./flatten-call-trace.ts";
import type { RpcPool } from "./rpc-pool.ts";

/** The pool feature of endpoints that can trace blocks; one that refuses to gets it turned off. */
export const TRACES = "traces";

export interface TraceBlockOptions {
  /** debug_traceBlockByNumber (any node that keeps the height) or ByHash (exactly this block, even past a reorg). */
  by: "number" | "hash";
  /** Per-attempt timeout: a block trace re-executes the block. */
  timeoutMs?: number;
  /** Whether an error also means the endpoint cannot trace, besides a permanent RPC error. */
  refuses?: (error: unknown) => boolean;
}

/**
 * One block's call frames, flattened, from a callTracer block trace on an endpoint that can trace. An endpoint
 * that refuses (a permanent RPC error, or what `refuses` says) gets traces turned off before the error is thrown.
 */
export async function traceBlockFrames(
  pool: RpcPool,
  block: { number: number; hash: string },
  transactions: readonly { hash: string; transactionIndex: number }[],
  options: TraceBlockOptions,
): Promise<InternalTransaction[]> {
  let endpoint = "";
  try {
    const trace = await pool.withEndpoint(
      (c) => {
        endpoint = c.label;
        const tracer = { tracer: "callTracer" } as const;
        return options.by === "hash"
          ? c.call("debug_traceBlockByHash", [block.hash as `0x${string}`, tracer])
          : c.call("debug_traceBlockByNumber", [`0x${block.number.toString(16)}`, tracer]);
      },
      { feature: TRACES, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) },
    );
    return flattenBlockTrace(trace, block, transactions);
  } catch (error) {
    const permanent = error instanceof RpcResponseError && permanentKind(error) !== null;
    if (endpoint !== "" && (permanent || options.refuses?.(error)))
      pool.featureOff(endpoint, TRACES, (error as Error).message);
    throw error;
  }
}
