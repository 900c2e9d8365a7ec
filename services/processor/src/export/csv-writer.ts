import type { ExportSink, OutputFile } from "./output-file.ts";

/** RFC 4180: quote a field holding a comma, quote or line break (e.g. logs.topics, token names). */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
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
    this.rows += 1;
    await this.file.write(`${this.columns.map((c) => csvField(row[c] ?? "")).join(",")}\n`);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
