import type { TokenMetadata } from "@chainlog/rpc";
import type {
  Block,
  InternalTransaction,
  Log,
  Receipt,
  TokenTransfer,
  Transaction,
} from "@chainlog/tx-schema";
import { csvField } from "./csv-writer.ts";

/**
 * ethereum-etl's export columns, in its order, so its users' loaders (BigQuery schemas, Airflow DAGs) keep working.
 * Checked against ethereum-etl's own expected outputs in etl-rows.test.ts; the EIP-4844 columns come last, as in
 * ethereum-etl 2.4.
 */
export const EtlColumns = {
  blocks: [
    "number",
    "hash",
    "parent_hash",
    "nonce",
    "sha3_uncles",
    "logs_bloom",
    "transactions_root",
    "state_root",
    "receipts_root",
    "miner",
    "difficulty",
    "total_difficulty",
    "size",
    "extra_data",
    "gas_limit",
    "gas_used",
    "timestamp",
    "transaction_count",
    "base_fee_per_gas",
    "withdrawals_root",
    "withdrawals",
    "blob_gas_used",
    "excess_blob_gas",
  ],
  transactions: [
    "hash",
    "nonce",
    "block_hash",
    "block_number",
    "transaction_index",
    "from_address",
    "to_address",
    "value",
    "gas",
    "gas_price",
    "input",
    "block_timestamp",
    "max_fee_per_gas",
    "max_priority_fee_per_gas",
    "transaction_type",
    "max_fee_per_blob_gas",
    "blob_versioned_hashes",
  ],
  receipts: [
    "transaction_hash",
    "transaction_index",
    "block_hash",
    "block_number",
    "cumulative_gas_used",
    "gas_used",
    "contract_address",
    "root",
    "status",
    "effective_gas_price",
    "l1_fee",
    "l1_gas_used",
    "l1_gas_price",
    "l1_fee_scalar",
    "blob_gas_price",
    "blob_gas_used",
  ],
  logs: [
    "log_index",
    "transaction_hash",
    "transaction_index",
    "block_hash",
    "block_number",
    "address",
    "data",
    "topics",
  ],
  token_transfers: [
    "token_address",
    "from_address",
    "to_address",
    "value",
    "transaction_hash",
    "log_index",
    "block_number",
  ],
  tokens: ["address", "symbol", "name", "decimals", "total_supply", "block_number"],
  traces: [
    "block_number",
    "transaction_hash",
    "transaction_index",
    "from_address",
    "to_address",
    "value",
    "input",
    "output",
    "trace_type",
    "call_type",
    "reward_type",
    "gas",
    "gas_used",
    "subtraces",
    "trace_address",
    "error",
    "status",
    "trace_id",
  ],
} as const;

export type EtlEntity = keyof typeof EtlColumns;
export type EtlRow = Record<string, string>;

const s = (v: string | number | null | undefined): string => (v === null || v === undefined ? "" : String(v));

export function blockRow(b: Block): EtlRow {
  return {
    number: s(b.number),
    hash: b.hash,
    parent_hash: b.parentHash,
    nonce: s(b.nonce),
    sha3_uncles: b.sha3Uncles,
    logs_bloom: b.logsBloom,
    transactions_root: b.transactionsRoot,
    state_root: b.stateRoot,
    receipts_root: b.receiptsRoot,
    miner: b.miner,
    difficulty: b.difficulty,
    total_difficulty: s(b.totalDifficulty),
    size: s(b.size),
    extra_data: b.extraData,
    gas_limit: b.gasLimit,
    gas_used: b.gasUsed,
    timestamp: s(b.timestamp),
    transaction_count: s(b.transactionCount),
    base_fee_per_gas: s(b.baseFeePerGas),
    withdrawals_root: s(b.withdrawalsRoot),
    // ethereum-etl writes the withdrawal objects comma-joined, with snake_case keys and numeric amounts.
    withdrawals: (b.withdrawals ?? [])
      .map(
        (w) =>
          `{"index":${w.index},"validator_index":${w.validatorIndex},"address":"${w.address}","amount":${w.amount}}`,
      )
      .join(","),
    blob_gas_used: s(b.blobGasUsed),
    excess_blob_gas: s(b.excessBlobGas),
  };
}

export function transactionRow(tx: Transaction, blockTimestamp: number): EtlRow {
  return {
    hash: tx.hash,
    nonce: tx.nonce,
    block_hash: tx.blockHash,
    block_number: s(tx.blockNumber),
    transaction_index: s(tx.transactionIndex),
    from_address: tx.from,
    to_address: s(tx.to),
    value: tx.value,
    gas: tx.gas,
    gas_price: s(tx.gasPrice),
    input: tx.input,
    block_timestamp: s(blockTimestamp),
    max_fee_per_gas: s(tx.maxFeePerGas),
    max_priority_fee_per_gas: s(tx.maxPriorityFeePerGas),
    transaction_type: s(tx.type),
    max_fee_per_blob_gas: s(tx.maxFeePerBlobGas),
    // lists are comma-joined, as ethereum-etl's CSV exporter writes them
    blob_versioned_hashes: (tx.blobVersionedHashes ?? []).join(","),
  };
}

export function receiptRow(r: Receipt): EtlRow {
  return {
    transaction_hash: r.transactionHash,
    transaction_index: s(r.transactionIndex),
    block_hash: r.blockHash,
    block_number: s(r.blockNumber),
    cumulative_gas_used: r.cumulativeGasUsed,
    gas_used: r.gasUsed,
    contract_address: s(r.contractAddress),
    root: s(r.root),
    status: s(r.status),
    effective_gas_price: s(r.effectiveGasPrice),
    // Optimism's L1 fee columns; always empty on Ethereum.
    l1_fee: "",
    l1_gas_used: "",
    l1_gas_price: "",
    l1_fee_scalar: "",
    blob_gas_price: s(r.blobGasPrice),
    blob_gas_used: s(r.blobGasUsed),
  };
}

export function logRow(l: Log): EtlRow {
  return {
    log_index: s(l.logIndex),
    transaction_hash: l.transactionHash,
    transaction_index: s(l.transactionIndex),
    block_hash: l.blockHash,
    block_number: s(l.blockNumber),
    address: l.address,
    data: l.data,
    topics: l.topics.join(","),
  };
}

/** ethereum-etl's token_transfers: ERC-20 and ERC-721 (value = token id); it has no ERC-1155, so neither does this. */
export function tokenTransferRow(t: TokenTransfer): EtlRow | null {
  if (t.standard === "erc1155") return null;
  return {
    token_address: t.token,
    from_address: t.from,
    to_address: t.to,
    value: t.tokenId ?? t.value,
    transaction_hash: t.transactionHash,
    log_index: s(t.logIndex),
    block_number: s(t.blockNumber),
  };
}

export function tokenRow(m: TokenMetadata): EtlRow {
  return {
    address: m.address,
    symbol: s(m.symbol),
    name: s(m.name),
    decimals: s(m.decimals),
    total_supply: s(m.totalSupply),
    block_number: s(m.blockNumber),
  };
}

/**
 * ethereum-etl's traces from geth's callTracer (its extract_geth_traces, with the status and trace_id its
 * export_all adds): calls as trace_type "call" with the call type beside, CREATE and CREATE2 as "create" and
 * "create2", SELFDESTRUCT as parity's "suicide"; status 0 for a frame that failed or sits under one that did.
 */
export function traceRow(f: InternalTransaction): EtlRow {
  const call = f.callType.toLowerCase();
  const traceType = f.callType === "SELFDESTRUCT" ? "suicide" : call.startsWith("create") ? call : "call";
  return {
    block_number: s(f.blockNumber),
    transaction_hash: f.transactionHash,
    transaction_index: s(f.transactionIndex),
    from_address: s(f.from),
    to_address: s(f.to),
    value: s(f.value),
    input: s(f.input),
    output: s(f.output),
    trace_type: traceType,
    call_type: traceType === "call" ? call : "",
    reward_type: "",
    gas: s(f.gas),
    gas_used: s(f.gasUsed),
    subtraces: s(f.subtraces),
    trace_address: f.traceAddress.join(","),
    error: s(f.error),
    status: s(f.status),
    trace_id: `${traceType}_${f.transactionHash}_${f.traceAddress.join("_")}`,
  };
}

/*
 * The lines csvRow(EtlColumns[entity], row) makes of the rows above, written straight from the records for the
 * entities an export writes per transaction and per log: its hot path then makes no row object per record. A
 * cell the record's schema makes hex or a decimal number goes as it is (it never needs quoting); comma-joined
 * lists are quoted as csvField quotes them. etl-rows.test.ts holds each line equal to its row's.
 */

export function transactionLine(tx: Transaction, blockTimestamp: number): string {
  return `${tx.hash},${tx.nonce},${tx.blockHash},${tx.blockNumber},${tx.transactionIndex},${tx.from},${s(tx.to)},${tx.value},${tx.gas},${s(tx.gasPrice)},${tx.input},${blockTimestamp},${s(tx.maxFeePerGas)},${s(tx.maxPriorityFeePerGas)},${tx.type},${s(tx.maxFeePerBlobGas)},${csvField((tx.blobVersionedHashes ?? []).join(","))}\n`;
}

export function receiptLine(r: Receipt): string {
  return `${r.transactionHash},${r.transactionIndex},${r.blockHash},${r.blockNumber},${r.cumulativeGasUsed},${r.gasUsed},${s(r.contractAddress)},${s(r.root)},${s(r.status)},${s(r.effectiveGasPrice)},,,,,${s(r.blobGasPrice)},${s(r.blobGasUsed)}\n`;
}

export function logLine(l: Log): string {
  return `${l.logIndex},${l.transactionHash},${l.transactionIndex},${l.blockHash},${l.blockNumber},${l.address},${l.data},${csvField(l.topics.join(","))}\n`;
}

export function tokenTransferLine(t: TokenTransfer): string | null {
  if (t.standard === "erc1155") return null;
  return `${t.token},${t.from},${t.to},${t.tokenId ?? t.value},${t.transactionHash},${t.logIndex},${t.blockNumber}\n`;
}
