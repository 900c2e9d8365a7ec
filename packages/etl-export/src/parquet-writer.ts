import { join } from "node:path";
import { ChainlogError } from "@chainlog/tx-schema";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { EtlEntity } from "./etl-rows.ts";
import type { ExportSink } from "./output-file.ts";

/**
 * The INT64 columns of each entity, as in ethereum-etl's BigQuery raw schemas (ethereum-etl-airflow
 * stages/raw/schemas): gas, fees, nonces, indexes, numbers and unix timestamps. Every other column is a UTF-8
 * string, as there: hashes and hex, NUMERIC wei amounts and difficulties (exact decimal strings, since
 * uint256 overflows both INT64 and DECIMAL(38)), token_transfers.value and tokens.decimals/total_supply.
 */
export const EtlInt64Columns: Record<EtlEntity, ReadonlySet<string>> = {
  blocks: new Set([
    "number",
    "blob_gas_used",
    "excess_blob_gas",
    "size",
    "gas_limit",
    "gas_used",
    "timestamp",
    "transaction_count",
    "base_fee_per_gas",
  ]),
  transactions: new Set([
    "nonce",
    "block_number",
    "transaction_index",
    "gas",
    "gas_price",
    "block_timestamp",
    "max_fee_per_gas",
    "max_priority_fee_per_gas",
    "transaction_type",
    "max_fee_per_blob_gas",
  ]),
  receipts: new Set([
    "transaction_index",
    "block_number",
    "cumulative_gas_used",
    "gas_used",
    "status",
    "effective_gas_price",
    "blob_gas_price",
    "blob_gas_used",
  ]),
  logs: new Set(["log_index", "transaction_index", "block_number"]),
  token_transfers: new Set(["log_index", "block_number"]),
  tokens: new Set(["block_number"]),
  traces: new Set(["block_number", "transaction_index", "gas", "gas_used", "subtraces", "status"]),
};

const INT64_MAX = 2n ** 63n - 1n;

export class ParquetValueError extends ChainlogError {
  override name = "ParquetValueError";
}

/**
 * Parquet output of one entity: a directory of part files (`blocks/part-00000.parquet`, …), each holding at most
 * `rowsPerFile` rows, so memory stays bounded and Spark, DuckDB or BigQuery load the directory as one table.
 */
export class ParquetWriter {
  rows = 0;
  private buffer: Record<string, string>[] = [];
  private part = 0;

  constructor(
    private readonly sink: ExportSink,
    private readonly entity: EtlEntity,
    private readonly columns: readonly string[],
    private readonly rowsPerFile = 100_000,
  ) {}

  /** The entity's directory (or S3 prefix) holding its part files. */
  get path(): string {
    return this.sink.location.startsWith("s3://")
      ? `${this.sink.location.replace(/\/+$/, "")}/${this.entity}/`
      : join(this.sink.location, this.entity);
  }

  async write(row: Record<string, string>): Promise<void> {
    this.rows += 1;
    this.buffer.push(row);
    if (this.buffer.length >= this.rowsPerFile) await this.flush();
  }

  async writeMany(rows: readonly Record<string, string>[]): Promise<void> {
    for (const row of rows) await this.write(row);
  }

  private async flush(): Promise<void> {
    // an entity with no rows still gets one (empty) part, so its table exists with its schema
    if (this.buffer.length === 0 && this.part > 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const ints = EtlInt64Columns[this.entity];
    const bytes = parquetWriteBuffer({
      columnData: this.columns.map((name) =>
        ints.has(name)
          ? { name, type: "INT64", nullable: true, data: rows.map((r) => this.int64(name, r[name])) }
          : { name, type: "STRING", nullable: true, data: rows.map((r) => r[name] ?? null) },
      ),
    });
    const file = await this.sink.open(`${this.entity}/part-${String(this.part++).padStart(5, "0")}.parquet`);
    try {
      await file.write(new Uint8Array(bytes));
      await file.close();
    } catch (error) {
      await file.abort().catch(() => undefined);
      throw error;
    }
  }

  private int64(column: string, value: string | undefined): bigint | null {
    if (!value) return null;
    const n = BigInt(value);
    // ethereum-etl's schemas say INT64 here; a chain that breaks that must fail loudly, not wrap around
    if (n > INT64_MAX || n < -INT64_MAX - 1n)
      throw new ParquetValueError(`${this.entity}.${column} = ${value} does not fit INT64`);
    return n;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
