import type { ContractCreation, Transaction } from "@chainlog/tx-schema";

/** One frame of geth's callTracer output (what anvil, geth, Erigon and Reth answer). */
export interface CallFrame {
  type?: string;
  from?: string;
  to?: string;
  error?: string;
  calls?: CallFrame[];
}

/** debug_traceBlockByHash with callTracer: one entry per transaction, a result or a per-transaction error. */
export type BlockTrace = { txHash?: string; result?: CallFrame; error?: string }[];

export class TraceUnavailableError extends Error {
  override name = "TraceUnavailableError";
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Contracts created by CREATE/CREATE2 inside transactions (the top-level deployment is the receipt's). A frame
 * that failed, or sits under one that did, created nothing: its state was reverted. Throws TraceUnavailableError
 * when the node answered a transaction with an error instead of a trace (pruned state, unsupported tracer).
 */
export function traceCreations(
  trace: BlockTrace,
  block: { number: number; hash: string },
  transactions: readonly Pick<Transaction, "hash" | "transactionIndex">[],
): ContractCreation[] {
  if (!Array.isArray(trace)) throw new TraceUnavailableError("trace answer is not an array");
  const byHash = new Map(transactions.map((t) => [t.hash.toLowerCase(), t.transactionIndex]));
  const out: ContractCreation[] = [];
  trace.forEach((entry, position) => {
    if (entry.error !== undefined || !entry.result)
      throw new TraceUnavailableError(`transaction ${position}: ${entry.error ?? "no trace"}`);
    const transactionHash = entry.txHash?.toLowerCase() ?? transactions[position]?.hash.toLowerCase() ?? "";
    const transactionIndex = byHash.get(transactionHash);
    if (transactionIndex === undefined)
      throw new TraceUnavailableError(`unknown transaction ${transactionHash}`);
    const walk = (frame: CallFrame, depth: number) => {
      if (frame.error !== undefined) return;
      const type = frame.type?.toUpperCase();
      if (depth > 0 && (type === "CREATE" || type === "CREATE2") && frame.to && ADDRESS.test(frame.to)) {
        out.push({
          address: frame.to.toLowerCase(),
          creator: (frame.from ?? "").toLowerCase(),
          blockNumber: block.number,
          blockHash: block.hash,
          transactionHash,
          transactionIndex,
          source: "trace",
        });
      }
      for (const child of frame.calls ?? []) walk(child, depth + 1);
    };
    walk(entry.result, 0);
  });
  return out;
}
