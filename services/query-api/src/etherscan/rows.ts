import type { ReadModel } from "@chainlog/ports";
import type {
  InternalTransaction,
  Receipt,
  TokenMetadata,
  TokenTransfer,
  Transaction,
} from "@chainlog/tx-schema";

/** A transaction with its receipt: all a row needs of the transaction's detail. */
interface TxReceipt {
  transaction: Transaction;
  receipt: Receipt | null;
}

/**
 * Row parts kept across answers, keyed by block hash: what a block hash names never changes (a reorg makes new
 * hashes, it does not edit old ones), so a hot address page reads its 25 receipts and block times once, not on
 * every request. Bounded; the least recently added go first.
 */
export function createRowCache(maxEntries = 50_000) {
  const entries = new Map<string, unknown>();
  return {
    get: <T>(key: string) => entries.get(key) as T | undefined,
    set(key: string, value: unknown) {
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
export type RowCache = ReturnType<typeof createRowCache>;

/**
 * What Etherscan's rows carry beyond the record itself (block time, receipt, token names, confirmations):
 * `load` reads what an answer's rows need once per block / transaction, through `cache` across answers; the
 * rows are then built without a promise each (at 25 rows a page, those cost more than the rows).
 */
export function createRowContext(store: ReadModel, latest: number, cache?: RowCache) {
  const times = new Map<string, number | null>();
  const details = new Map<string, TxReceipt | null>();
  const detailKey = (hash: string, blockHash: string) => `d:${hash}:${blockHash}`;
  return {
    latest,
    /** Reads the times of `blocks` and the receipts of `txs` that neither this answer nor the cache holds. */
    async load(blocks: Iterable<string>, txs: Iterable<{ hash: string; blockHash: string }> = []) {
      const reads: Promise<void>[] = [];
      for (const blockHash of blocks) {
        if (times.has(blockHash)) continue;
        const cached = cache?.get<number>(`t:${blockHash}`);
        times.set(blockHash, cached ?? null);
        if (cached === undefined)
          reads.push(
            store.getBlockByHash(blockHash).then((b) => {
              if (!b) return;
              cache?.set(`t:${blockHash}`, b.timestamp);
              times.set(blockHash, b.timestamp);
            }),
          );
      }
      for (const { hash, blockHash } of txs) {
        const key = detailKey(hash, blockHash);
        if (details.has(key)) continue;
        const cached = cache?.get<TxReceipt>(key);
        details.set(key, cached ?? null);
        if (cached === undefined)
          reads.push(
            store.getTransaction(hash).then((found) => {
              // the transaction as stored in block `blockHash` (another block's copy is not this row's)
              if (!found || found.transaction.blockHash !== blockHash) return;
              const value = { transaction: found.transaction, receipt: found.receipt };
              if (found.receipt) cache?.set(key, value);
              details.set(key, value);
            }),
          );
      }
      await Promise.all(reads);
    },
    /** A loaded block's time (null: no such block stored). */
    timestamp: (blockHash: string) => times.get(blockHash) ?? null,
    /** A loaded transaction with its receipt (null: not stored in that block). */
    detail: (hash: string, blockHash: string) => details.get(detailKey(hash, blockHash)) ?? null,
  };
}
export type RowContext = ReturnType<typeof createRowContext>;

const str = (v: number | string | null | undefined) => (v === null || v === undefined ? "" : String(v));
const methodId = (input: string) => (input.length >= 10 ? input.slice(0, 10) : "0x");
/** Etherscan counts the block holding the row as its first confirmation. */
const confirmations = (ctx: RowContext, block: number) => String(Math.max(0, ctx.latest - block + 1));

/** The fields txlist and the token lists share: where the transaction is and what it paid. */
function txFields(tx: Transaction, detail: TxReceipt | null, timestamp: number | null, ctx: RowContext) {
  const receipt = detail?.receipt ?? null;
  return {
    blockNumber: String(tx.blockNumber),
    timeStamp: str(timestamp),
    hash: tx.hash,
    nonce: tx.nonce,
    blockHash: tx.blockHash,
    transactionIndex: String(tx.transactionIndex),
    gas: tx.gas,
    gasPrice: str(receipt?.effectiveGasPrice ?? tx.gasPrice),
    gasUsed: str(receipt?.gasUsed),
    cumulativeGasUsed: str(receipt?.cumulativeGasUsed),
    input: tx.input,
    methodId: methodId(tx.input),
    // Chainlog keeps no ABIs: the selector is all it knows of the function.
    functionName: "",
    confirmations: confirmations(ctx, tx.blockNumber),
  };
}

/** A txlist row; `ctx` has loaded the transaction and its block. */
export function txlistRow(tx: Transaction, ctx: RowContext) {
  const detail = ctx.detail(tx.hash, tx.blockHash);
  const timestamp = ctx.timestamp(tx.blockHash);
  const receipt = detail?.receipt ?? null;
  const base = txFields(tx, detail, timestamp, ctx);
  return {
    blockNumber: base.blockNumber,
    timeStamp: base.timeStamp,
    hash: base.hash,
    nonce: base.nonce,
    blockHash: base.blockHash,
    transactionIndex: base.transactionIndex,
    from: tx.from,
    to: tx.to ?? "",
    value: tx.value,
    gas: base.gas,
    gasPrice: base.gasPrice,
    isError: receipt?.status === 0 ? "1" : "0",
    txreceipt_status: str(receipt?.status),
    input: base.input,
    contractAddress: receipt?.contractAddress ?? "",
    cumulativeGasUsed: base.cumulativeGasUsed,
    gasUsed: base.gasUsed,
    confirmations: base.confirmations,
    methodId: base.methodId,
    functionName: base.functionName,
  };
}

export type TokenListKind = "tokentx" | "tokennfttx" | "token1155tx";

/** A token list row; `ctx` has loaded the transfer's transaction and block. */
export function tokenRow(
  kind: TokenListKind,
  t: TokenTransfer,
  token: TokenMetadata | undefined,
  ctx: RowContext,
) {
  const detail = ctx.detail(t.transactionHash, t.blockHash);
  const timestamp = ctx.timestamp(t.blockHash);
  const tx = detail?.transaction;
  const base = tx
    ? txFields(tx, detail, timestamp, ctx)
    : {
        blockNumber: String(t.blockNumber),
        timeStamp: str(timestamp),
        hash: t.transactionHash,
        nonce: "",
        blockHash: t.blockHash,
        transactionIndex: String(t.transactionIndex),
        gas: "",
        gasPrice: "",
        gasUsed: "",
        cumulativeGasUsed: "",
        input: "",
        methodId: "",
        functionName: "",
        confirmations: confirmations(ctx, t.blockNumber),
      };
  const name = token?.name ?? "";
  const symbol = token?.symbol ?? "";
  // Built by assignments in Etherscan's field order: object spreads here cost more than the rest of the row.
  const row: Record<string, string> = {
    blockNumber: base.blockNumber,
    timeStamp: base.timeStamp,
    hash: base.hash,
    nonce: base.nonce,
    blockHash: base.blockHash,
  };
  if (kind === "token1155tx") {
    addTxTail(row, base);
    row.contractAddress = t.token;
    row.from = t.from;
    row.to = t.to;
    row.tokenID = t.tokenId ?? "";
    row.tokenValue = t.value;
    row.tokenName = name;
    row.tokenSymbol = symbol;
    return row;
  }
  row.from = t.from;
  row.contractAddress = t.token;
  row.to = t.to;
  if (kind === "tokentx") row.value = t.value;
  else row.tokenID = t.tokenId ?? "";
  row.tokenName = name;
  row.tokenSymbol = symbol;
  row.tokenDecimal = kind === "tokentx" ? str(token?.decimals) : "0";
  return addTxTail(row, base);
}

/** The transaction fields Etherscan's token rows end with (token1155tx: before the token's). */
function addTxTail(row: Record<string, string>, base: ReturnType<typeof txFields>): Record<string, string> {
  row.transactionIndex = base.transactionIndex;
  row.gas = base.gas;
  row.gasPrice = base.gasPrice;
  row.gasUsed = base.gasUsed;
  row.cumulativeGasUsed = base.cumulativeGasUsed;
  row.input = base.input;
  row.methodId = base.methodId;
  row.functionName = base.functionName;
  row.confirmations = base.confirmations;
  return row;
}

/** Etherscan's internal transaction row: a call frame with its trace position (traceId "0_1") and failure. */
export function internalRow(f: InternalTransaction, ctx: RowContext) {
  const timestamp = ctx.timestamp(f.blockHash);
  const create = f.callType === "CREATE" || f.callType === "CREATE2";
  return {
    blockNumber: String(f.blockNumber),
    timeStamp: str(timestamp),
    hash: f.transactionHash,
    from: f.from ?? "",
    to: create ? "" : (f.to ?? ""),
    value: f.value ?? "0",
    contractAddress: create ? (f.to ?? "") : "",
    input: f.input ?? "",
    type: f.callType.toLowerCase(),
    gas: str(f.gas),
    gasUsed: str(f.gasUsed),
    traceId: f.traceAddress.join("_"),
    isError: f.status === 0 ? "1" : "0",
    errCode: f.error ?? "",
  };
}
