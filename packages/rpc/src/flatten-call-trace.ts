import { CallType, ChainlogError, type InternalTransaction } from "@chainlog/tx-schema";
import type { RpcBlockTrace, RpcCallFrame } from "./rpc-schema.ts";

/** The node answered a block trace it could not give: per-transaction errors, a short or malformed answer. */
export class TraceUnavailableError extends ChainlogError {
  override name = "TraceUnavailableError";
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x[0-9a-fA-F]*$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;

const address = (s: string | undefined) => (s !== undefined && ADDRESS.test(s) ? s.toLowerCase() : null);
const hex = (s: string | undefined) => (s !== undefined && HEX.test(s) ? s : null);
const quantity = (s: string | undefined, what: string) => {
  if (s === undefined) return null;
  if (!QUANTITY.test(s)) throw new TraceUnavailableError(`${what} ${JSON.stringify(s)} is not a quantity`);
  return BigInt(s).toString(10);
};

/**
 * Every call frame of a debug_traceBlockBy* callTracer answer, flattened depth first (a frame before its calls,
 * as ethereum-etl orders traces), one InternalTransaction each, the transactions' own calls (depth 0) included.
 * `transactions` are the block's, in order: an answer without txHash (older geth) is matched by position.
 * Throws TraceUnavailableError when the node answered a transaction with an error instead of a trace (pruned
 * state, a tracer that timed out), or the answer does not fit the block.
 */
export function flattenBlockTrace(
  trace: RpcBlockTrace,
  block: { number: number; hash: string },
  transactions: readonly { hash: string; transactionIndex: number }[],
): InternalTransaction[] {
  if (!Array.isArray(trace)) throw new TraceUnavailableError("trace answer is not an array");
  if (trace.length !== transactions.length)
    throw new TraceUnavailableError(
      `trace has ${trace.length} transactions, block ${block.number} has ${transactions.length}`,
    );
  const byHash = new Map(transactions.map((t) => [t.hash.toLowerCase(), t.transactionIndex]));
  const out: InternalTransaction[] = [];
  trace.forEach((entry, position) => {
    if (entry?.error !== undefined || !entry?.result)
      throw new TraceUnavailableError(`transaction ${position}: ${entry?.error ?? "no trace"}`);
    const transactionHash = (entry.txHash ?? transactions[position]!.hash).toLowerCase();
    const transactionIndex = byHash.get(transactionHash);
    if (transactionIndex === undefined)
      throw new TraceUnavailableError(`unknown transaction ${transactionHash}`);
    const walk = (frame: RpcCallFrame, traceAddress: number[], enclosingFailed: boolean) => {
      const type = CallType.safeParse(frame.type?.toUpperCase());
      if (!type.success)
        throw new TraceUnavailableError(`unknown call frame type ${JSON.stringify(frame.type)}`);
      const failed = enclosingFailed || frame.error !== undefined;
      const calls = frame.calls ?? [];
      out.push({
        blockNumber: block.number,
        blockHash: block.hash.toLowerCase(),
        transactionHash,
        transactionIndex,
        traceAddress,
        depth: traceAddress.length,
        callType: type.data,
        from: address(frame.from),
        to: address(frame.to),
        value: quantity(frame.value, "value"),
        gas: quantity(frame.gas, "gas"),
        gasUsed: quantity(frame.gasUsed, "gasUsed"),
        input: hex(frame.input),
        output: hex(frame.output),
        error: frame.error ?? null,
        revertReason: frame.revertReason ?? null,
        status: failed ? 0 : 1,
        subtraces: calls.length,
      });
      for (const [i, child] of calls.entries()) walk(child, [...traceAddress, i], failed);
    };
    walk(entry.result, [], false);
  });
  return out;
}
