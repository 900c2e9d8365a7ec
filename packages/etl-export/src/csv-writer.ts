import type { ExportSink, OutputFile } from "./output-file.ts";

/**
 * One CSV cell. RFC 4180 quoting for a comma, quote or line break (logs.topics, token names); a cell a
 * spreadsheet would evaluate as a formula (leading = + - @, tab or CR) gets a leading apostrophe, so an exported
 * token name can never run in the reader's Excel. Chain data (hex, decimal numbers, JSON) never starts so.
 */
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line of `columns` taken from `row` (missing or null cells are empty). */
export function csvRow(columns: readonly string[], row: Readonly<Record<string, unknown>>): string {
  let line = "";
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i]!];
    if (i > 0) line += ",";
    if (v !== null && v !== undefined) line += csvField(String(v));
  }
  return `${line}\n`;
}

/** `rows` as CSV lines of `columns`, in one string. */
export function csvLines(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  let chunk = "";
  for (const row of rows) chunk += csvRow(columns, row);
  return chunk;
}

/** A streaming CSV file: rows go out as they come, so an export's memory does not grow with the range. */
export class CsvWriter {
  rows = 0;

  private constructor(
    private readonly file: OutputFile,
    private readonly columns: readonly string[],
  ) {}

  static async open(sink: ExportSink, relPath: string, columns: readonly string[]): Promise<CsvWriter> {
    const file = await sink.open(relPath);
    await file.write(`${columns.join(",")}\n`);
    return new CsvWriter(file, columns);
  }

  get path(): string {
    return this.file.location;
  }

  async write(row: Record<string, string>): Promise<void> {
    await this.writeMany([row]);
  }

  /** Several rows in one write: a batch of blocks goes to the file as one chunk. */
  async writeMany(rows: readonly Record<string, string>[]): Promise<void> {
    await this.writeLines(csvLines(this.columns, rows), rows.length);
  }

  /** `rows` rows made by csvLines with this file's columns (e.g. as their batch arrived), as one chunk. */
  async writeLines(chunk: string | Uint8Array, rows: number): Promise<void> {
    if (rows === 0) return;
    this.rows += rows;
    await this.file.write(chunk);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
