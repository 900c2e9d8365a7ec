import { EtlColumns } from "@chainlog/etl-export";
import { EtlInt64Columns } from "@chainlog/etl-export/parquet";

export type LakeColumnType = "INT64" | "STRING" | "DOUBLE";
export interface LakeColumn {
  name: string;
  type: LakeColumnType;
}

const etl = (
  entity: "blocks" | "transactions" | "receipts" | "logs" | "token_transfers" | "traces",
): LakeColumn[] =>
  EtlColumns[entity].map((name) => ({
    name,
    type: EtlInt64Columns[entity].has(name) ? "INT64" : "STRING",
  }));

const cols = (spec: Record<string, LakeColumnType>): LakeColumn[] =>
  Object.entries(spec).map(([name, type]) => ({ name, type }));

/**
 * Every table of the lake and its Parquet columns. The ethereum-etl entities keep its columns and types exactly
 * (the export's writer uses the same lists), so loaders written for ethereum-etl read the lake as they are; swaps
 * and prices are Chainlog's decoded rows. Glue's tables (infra) are generated from this, so the two cannot drift.
 */
export const LakeSchemas = {
  blocks: etl("blocks"),
  transactions: etl("transactions"),
  receipts: etl("receipts"),
  logs: etl("logs"),
  token_transfers: etl("token_transfers"),
  // call frames inside transactions (depth ≥ 1) from the processor's call traces; empty where the node gives none
  traces: etl("traces"),
  swaps: cols({
    block_number: "INT64",
    block_hash: "STRING",
    block_timestamp: "INT64",
    transaction_hash: "STRING",
    transaction_index: "INT64",
    log_index: "INT64",
    protocol: "STRING",
    pool: "STRING",
    transaction_from: "STRING",
    sender: "STRING",
    recipient: "STRING",
    token0: "STRING",
    token1: "STRING",
    // signed uint256-range amounts: exact decimal strings, as ethereum-etl keeps wei
    amount0: "STRING",
    amount1: "STRING",
    price: "DOUBLE",
    sqrt_price_x96: "STRING",
    liquidity: "STRING",
    tick: "INT64",
  }),
  prices: cols({
    token: "STRING",
    quote: "STRING",
    price: "DOUBLE",
    pool: "STRING",
    block_number: "INT64",
    block_hash: "STRING",
    block_timestamp: "INT64",
    transaction_hash: "STRING",
    log_index: "INT64",
  }),
} as const satisfies Record<string, LakeColumn[]>;

export type LakeEntity = keyof typeof LakeSchemas;
export const LakeEntities = Object.keys(LakeSchemas) as LakeEntity[];

/** A row as the sink builds it: INT64 columns as bigint, DOUBLE as number, the rest strings; null when empty. */
export type LakeValue = string | bigint | number | null;
export type LakeRow = Record<string, LakeValue>;
