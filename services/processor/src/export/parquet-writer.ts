import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";

/**
 * Integer columns small enough for INT64; every other column (uint256 values, hashes, hex) is a UTF-8 string,
 * as ethereum-etl's own schemas keep wei amounts as strings/NUMERIC so nothing is rounded.
 */
const INT64_COLUMNS = new Set([
  "number",
  "timestamp",
  "transaction_count",
  "size",
  "block_number",
  "block_timestamp",
  "transaction_index",
  "log_index",
  "transaction_type",
  "status",
  "decimals",
]);

/**
 * Parquet output of one entity: a directory of part files (`blocks/part-00000.parquet`, …), each holding at most
 * `rowsPerFile` rows, so memory stays bounded and Spark, DuckDB or BigQuery load the directory as one table.
 */
export class ParquetWriter {
  rows = 0;
  private buffer: Record<string, string>[] = [];
  private part = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly string[],
    private readonly rowsPerFile = 100_000,
  ) {
    mkdirSync(path, { recursive: true });
  }

  async write(row: Record<string, string>): Promise<void> {
    this.rows += 1;
    this.buffer.push(row);
    if (this.buffer.length >= this.rowsPerFile) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0 && this.part > 0) return;
    const rows = this.buffer;
    this.buffer = [];
    parquetWriteFile({
      filename: join(this.path, `part-${String(this.part++).padStart(5, "0")}.parquet`),
      columnData: this.columns.map((name) =>
        INT64_COLUMNS.has(name)
          ? { name, type: "INT64", nullable: true, data: rows.map((r) => (r[name] ? BigInt(r[name]) : null)) }
          : { name, type: "STRING", nullable: true, data: rows.map((r) => r[name] ?? null) },
      ),
    });
  }

  async close(): Promise<void> {
    this.flush();
  }
}
