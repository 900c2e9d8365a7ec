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
 * What Etherscan's rows carry beyond the record itself (block time, receipt, token names, confirmations),
 * looked up once per block / transaction for one answer, and through `cache` across answers.
 */
export function createRowContext(store: ReadModel, latest: number, cache?: RowCache) {
  const times = new Map<string, Promise<number | null>>();
  const details = new Map<string, Promise<TxReceipt | null>>();
  return {
    latest,
    timestamp(blockHash: string) {
      const cached = cache?.get<number>(`t:${blockHash}`);
      if (cached !== undefined) return Promise.resolve(cached);
      let t = times.get(blockHash);
      if (!t) {
        t = store.getBlockByHash(blockHash).then((b) => {
          if (b) cache?.set(`t:${blockHash}`, b.timestamp);
          return b?.timestamp ?? null;
        });
        times.set(blockHash, t);
      }
      return t;
    },
    /** The transaction as stored in block `blockHash` (another block's copy is not this row's). */
    detail(hash: string, blockHash: string) {
      const key = `d:${hash}:${blockHash}`;
      const cached = cache?.get<TxReceipt>(key);
      if (cached) return Promise.resolve(cached);
      let d = details.get(key);
      if (!d) {
        d = store.getTransaction(hash).then((found) => {
          if (!found || found.transaction.blockHash !== blockHash) return null;
          const value = { transaction: found.transaction, receipt: found.receipt };
          if (found.receipt) cache?.set(key, value);
          return value;
        });
        details.set(key, d);
      }
      return d;
    },
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

export async function txlistRow(tx: Transaction, ctx: RowContext) {
  const [detail, timestamp] = await Promise.all([
    ctx.detail(tx.hash, tx.blockHash),
    ctx.timestamp(tx.blockHash),
  ]);
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

export async function tokenRow(
  kind: TokenListKind,
  t: TokenTransfer,
  token: TokenMetadata | undefined,
  ctx: RowContext,
) {
  const [detail, timestamp] = await Promise.all([
    ctx.detail(t.transactionHash, t.blockHash),
    ctx.timestamp(t.blockHash),
  ]);
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
export async function internalRow(f: InternalTransaction, ctx: RowContext) {
  const timestamp = await ctx.timestamp(f.blockHash);
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
