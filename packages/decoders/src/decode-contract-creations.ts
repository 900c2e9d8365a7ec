import type { Receipt } from "@chainlog/tx-schema";
import type { ContractCreation } from "./types.ts";

/**
 * Contracts created by top-level transactions, from receipts. A reverted deployment creates nothing, though
 * some nodes still report the would-be address, so status 0 is skipped. (Contracts created by contracts need
 * traces; see the processor.)
 */
export function decodeContractCreations(receipts: readonly Receipt[]): ContractCreation[] {
  const out: ContractCreation[] = [];
  for (const r of receipts) {
    if (r.contractAddress === null || r.status === 0) continue;
    out.push({
      address: r.contractAddress.toLowerCase(),
      creator: r.from.toLowerCase(),
      blockNumber: r.blockNumber,
      blockHash: r.blockHash,
      transactionHash: r.transactionHash,
      transactionIndex: r.transactionIndex,
      source: "receipt",
    });
  }
  return out;
}
