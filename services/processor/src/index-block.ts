import { type DecodedLogs, decodeContractCreations, decodeLogs } from "@chainlog/decoders";
import type { IndexedBlock } from "@chainlog/ports";
import type { BlockEnvelope, ProcessedBlockEnvelope } from "@chainlog/tx-schema";

export interface IndexedEnvelope {
  indexed: IndexedBlock;
  decoded: DecodedLogs;
  contractCreations: number;
}

/** Derives everything the store keeps for one block. Pure: the same envelope always gives the same rows. */
export function indexBlock(env: BlockEnvelope): IndexedEnvelope {
  const decoded = decodeLogs(env.logs);
  return {
    indexed: {
      chainId: env.chainId,
      block: env.block,
      transactions: env.transactions,
      receipts: env.receipts,
      logs: env.logs,
      tokenTransfers: decoded.tokenTransfers,
    },
    decoded,
    contractCreations: decodeContractCreations(env.receipts).length,
  };
}

/** What live readers get once the block is readable: the transactions with their status, and token transfers. */
export function processedEnvelope(indexed: IndexedBlock): ProcessedBlockEnvelope {
  const status = new Map(indexed.receipts.map((r) => [r.transactionHash, r.status]));
  return {
    kind: "processed",
    chainId: indexed.chainId,
    block: { number: indexed.block.number, hash: indexed.block.hash, timestamp: indexed.block.timestamp },
    transactions: indexed.transactions.map((tx) => ({ ...tx, status: status.get(tx.hash) ?? null })),
    tokenTransfers: indexed.tokenTransfers,
  };
}
