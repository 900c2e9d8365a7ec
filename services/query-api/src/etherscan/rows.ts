import type { Store, TransactionDetail } from "@chainlog/ports";
import type { InternalTransaction, TokenMetadata, TokenTransfer, Transaction } from "@chainlog/tx-schema";

/**
 * What Etherscan's rows carry beyond the record itself (block time, receipt, token names, confirmations),
 * looked up once per block / transaction / token for one answer.
 */
export function createRowContext(store: Store, latest: number) {
  const times = new Map<number, Promise<number | null>>();
  const details = new Map<string, Promise<TransactionDetail | null>>();
  return {
    latest,
    timestamp(block: number) {
      let t = times.get(block);
      if (!t) {
        t = store.getBlockByNumber(block).then((b) => b?.timestamp ?? null);
        times.set(block, t);
      }
      return t;
    },
    detail(hash: string) {
      let d = details.get(hash);
      if (!d) {
        d = store.getTransaction(hash);
        details.set(hash, d);
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
function txFields(
  tx: Transaction,
  detail: TransactionDetail | null,
  timestamp: number | null,
  ctx: RowContext,
) {
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
  const [detail, timestamp] = await Promise.all([ctx.detail(tx.hash), ctx.timestamp(tx.blockNumber)]);
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
    ctx.detail(t.transactionHash),
    ctx.timestamp(t.blockNumber),
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
  const head = {
    blockNumber: base.blockNumber,
    timeStamp: base.timeStamp,
    hash: base.hash,
    nonce: base.nonce,
    blockHash: base.blockHash,
  };
  const tail = {
    transactionIndex: base.transactionIndex,
    gas: base.gas,
    gasPrice: base.gasPrice,
    gasUsed: base.gasUsed,
    cumulativeGasUsed: base.cumulativeGasUsed,
    input: base.input,
    methodId: base.methodId,
    functionName: base.functionName,
    confirmations: base.confirmations,
  };
  const name = token?.name ?? "";
  const symbol = token?.symbol ?? "";
  if (kind === "tokentx")
    return {
      ...head,
      from: t.from,
      contractAddress: t.token,
      to: t.to,
      value: t.value,
      tokenName: name,
      tokenSymbol: symbol,
      tokenDecimal: str(token?.decimals),
      ...tail,
    };
  if (kind === "tokennfttx")
    return {
      ...head,
      from: t.from,
      contractAddress: t.token,
      to: t.to,
      tokenID: t.tokenId ?? "",
      tokenName: name,
      tokenSymbol: symbol,
      tokenDecimal: "0",
      ...tail,
    };
  return {
    ...head,
    ...tail,
    contractAddress: t.token,
    from: t.from,
    to: t.to,
    tokenID: t.tokenId ?? "",
    tokenValue: t.value,
    tokenName: name,
    tokenSymbol: symbol,
  };
}

/** Etherscan's internal transaction row: a call frame with its trace position (traceId "0_1") and failure. */
export async function internalRow(f: InternalTransaction, ctx: RowContext) {
  const timestamp = await ctx.timestamp(f.blockNumber);
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
