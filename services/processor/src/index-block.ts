import { type DecodedLogs, decodeContractCreations, decodeLogs } from "@chainlog/decoders";
import type { IndexedBlock } from "@chainlog/ports";
import { type BlockEnvelope, blockStatsOf, type ProcessedBlockEnvelope } from "@chainlog/tx-schema";
import { enrichSwaps } from "./derive/enrich-swaps.ts";

export interface IndexedEnvelope {
  indexed: IndexedBlock;
  decoded: DecodedLogs;
}

/**
 * Everything derivable from the block alone. Pure: the same envelope always gives the same rows. What needs the
 * node (pool tokens, prices, traced creations, balances) is left empty here and filled by the block indexer.
 */
export function indexBlock(env: BlockEnvelope): IndexedEnvelope {
  const decoded = decodeLogs(env.logs);
  const from = new Map(env.transactions.map((t) => [t.hash, t.from]));
  return {
    indexed: {
      chainId: env.chainId,
      block: env.block,
      transactions: env.transactions,
      receipts: env.receipts,
      logs: env.logs,
      tokenTransfers: decoded.tokenTransfers,
      approvals: decoded.approvals,
      wethEvents: decoded.wethEvents,
      vaultEvents: decoded.vaultEvents,
      swaps: enrichSwaps(decoded.swaps, from, new Map()),
      contractCreations: decodeContractCreations(env.receipts),
      internalTransactions: [],
      pricePoints: [],
      balances: [],
      stats: blockStatsOf({
        chainId: env.chainId,
        block: env.block,
        transactions: env.transactions,
        receipts: env.receipts,
        tokenTransfers: decoded.tokenTransfers,
      }),
    },
    decoded,
  };
}

/** What live readers hear once the block is readable: a reference, since the store holds its rows now. */
export function processedEnvelope(indexed: IndexedBlock): ProcessedBlockEnvelope {
  const { number, hash, timestamp } = indexed.block;
  return { kind: "processed", chainId: indexed.chainId, block: { number, hash, timestamp } };
}
