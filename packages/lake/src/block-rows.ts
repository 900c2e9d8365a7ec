import {
  blockRow,
  type EtlRow,
  logRow,
  receiptRow,
  tokenTransferRow,
  traceRow,
  transactionRow,
} from "@chainlog/etl-export";
import type { ReadModel } from "@chainlog/ports";
import {
  type Block,
  type InternalTransaction,
  type Log,
  NATIVE_ASSET,
  type PricePoint,
  type Receipt,
  type Swap,
  type TokenTransfer,
  type Transaction,
  utcDay,
} from "@chainlog/tx-schema";
import { type LakeEntity, type LakeRow, LakeSchemas } from "./schema.ts";

export type LakeStore = Pick<
  ReadModel,
  "getBlockByNumber" | "getBlockTransactions" | "getTransaction" | "getEnrichment" | "getPriceSeries"
>;

/** One block's rows in every lake table, and the UTC day whose partition holds them. */
export interface LakeBlock {
  number: number;
  hash: string;
  parentHash: string;
  day: string;
  rows: Record<LakeEntity, LakeRow[]>;
}

/** ethereum-etl's string rows typed as its Parquet schema: INT64 as bigint (empty → null), strings as they are. */
function typed(entity: LakeEntity, row: EtlRow): LakeRow {
  const out: LakeRow = {};
  for (const { name, type } of LakeSchemas[entity]) {
    const v = row[name];
    out[name] = type === "INT64" ? (v ? BigInt(v) : null) : (v ?? null);
  }
  return out;
}

const int = (n: number | null): bigint | null => (n === null ? null : BigInt(n));

function swapRow(s: Swap, timestamp: number): LakeRow {
  return {
    block_number: BigInt(s.blockNumber),
    block_hash: s.blockHash,
    block_timestamp: BigInt(timestamp),
    transaction_hash: s.transactionHash,
    transaction_index: BigInt(s.transactionIndex),
    log_index: BigInt(s.logIndex),
    protocol: s.protocol,
    pool: s.pool,
    transaction_from: s.transactionFrom,
    sender: s.sender,
    recipient: s.recipient,
    token0: s.token0,
    token1: s.token1,
    amount0: s.amount0,
    amount1: s.amount1,
    price: s.price,
    sqrt_price_x96: s.sqrtPriceX96,
    liquidity: s.liquidity,
    tick: int(s.tick),
  };
}

function priceRow(p: PricePoint): LakeRow {
  return {
    token: p.token,
    quote: p.quote,
    price: p.price,
    pool: p.pool,
    block_number: BigInt(p.blockNumber),
    block_hash: p.blockHash,
    block_timestamp: BigInt(p.timestamp),
    transaction_hash: p.transactionHash,
    log_index: BigInt(p.logIndex),
  };
}

/**
 * Reads the stored block at `number` with everything derived from it, or null when it is not stored yet or its
 * enrichment (swap tokens and prices) is not in: the lake writes a block once, so it waits for the whole of it.
 */
export async function readLakeBlock(store: LakeStore, number: number): Promise<LakeBlock | null> {
  const block: Block | null = await store.getBlockByNumber(number);
  if (!block) return null;
  if (!(await store.getEnrichment([block.hash])).has(block.hash)) return null;
  const transactions: Transaction[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.getBlockTransactions(block.hash, { limit: 1000, cursor });
    transactions.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const receipts: Receipt[] = [];
  const logs: Log[] = [];
  const transfers: TokenTransfer[] = [];
  const swaps: Swap[] = [];
  const traces: InternalTransaction[] = [];
  for (const tx of transactions) {
    const detail = await store.getTransaction(tx.hash);
    // a rollback between the two reads: the block is not what we read; the caller asks again later
    if (!detail || detail.transaction.blockHash !== block.hash) return null;
    if (detail.receipt) receipts.push(detail.receipt);
    logs.push(...detail.logs);
    transfers.push(...detail.tokenTransfers);
    swaps.push(...detail.swaps);
    traces.push(...detail.internalTransactions);
  }
  if (receipts.length !== transactions.length) return null;
  // Price points are stored by token: ask for the tokens this block's swaps touched, and ETH itself.
  const tokens = new Set<string>([NATIVE_ASSET]);
  for (const s of swaps) for (const t of [s.token0, s.token1]) if (t) tokens.add(t);
  const prices: PricePoint[] = [];
  for (const token of [...tokens].sort())
    for (const quote of ["ETH", "USD"] as const) {
      let next: string | null = null;
      do {
        const page = await store.getPriceSeries(token, quote, {
          limit: 1000,
          cursor: next,
          fromTimestamp: block.timestamp,
          toTimestamp: block.timestamp,
        });
        prices.push(...page.items.filter((p) => p.blockHash === block.hash));
        next = page.nextCursor;
      } while (next);
    }
  const byLog = <T extends { logIndex: number }>(a: T, b: T) => a.logIndex - b.logIndex;
  prices.sort(
    (a, b) => a.logIndex - b.logIndex || a.token.localeCompare(b.token) || a.quote.localeCompare(b.quote),
  );
  return {
    number: block.number,
    hash: block.hash,
    parentHash: block.parentHash,
    day: utcDay(block.timestamp),
    rows: {
      blocks: [typed("blocks", blockRow(block))],
      transactions: transactions.map((tx) => typed("transactions", transactionRow(tx, block.timestamp))),
      receipts: receipts.map((r) => typed("receipts", receiptRow(r))),
      logs: logs.sort(byLog).map((l) => typed("logs", logRow(l))),
      token_transfers: transfers
        .sort((a, b) => a.logIndex - b.logIndex || a.batchIndex - b.batchIndex)
        .map(tokenTransferRow)
        .filter((r): r is EtlRow => r !== null)
        .map((r) => typed("token_transfers", r)),
      // in transaction order, each transaction's frames in trace order, as the store keeps them
      traces: traces.map((f) => typed("traces", traceRow(f))),
      swaps: swaps.sort(byLog).map((s) => swapRow(s, block.timestamp)),
      prices: prices.map(priceRow),
    },
  };
}
