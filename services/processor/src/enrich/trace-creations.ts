import type { ContractCreation, InternalTransaction } from "@chainlog/tx-schema";

/**
 * Contracts created by CREATE/CREATE2 inside transactions, read off a block's flattened call frames (the
 * top-level deployment is the receipt's). A frame that failed, or sits under one that did, created nothing: its
 * state was reverted.
 */
export function traceCreations(frames: readonly InternalTransaction[]): ContractCreation[] {
  const out: ContractCreation[] = [];
  for (const f of frames) {
    if (f.depth === 0 || f.status === 0 || f.to === null) continue;
    if (f.callType !== "CREATE" && f.callType !== "CREATE2") continue;
    out.push({
      address: f.to,
      creator: f.from ?? "",
      blockNumber: f.blockNumber,
      blockHash: f.blockHash,
      transactionHash: f.transactionHash,
      transactionIndex: f.transactionIndex,
      source: "trace",
    });
  }
  return out;
}
