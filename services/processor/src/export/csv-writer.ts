import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/** RFC 4180: quote a field holding a comma, quote or line break (e.g. logs.topics, token names). */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A streaming CSV file: rows go to disk as they come, so an export's memory does not grow with the range. */
export class CsvWriter {
  private readonly stream: WriteStream;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly string[],
  ) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
    this.stream.write(`${columns.join(",")}\n`);
  }

  async write(row: Record<string, string>): Promise<void> {
    this.rows += 1;
    const line = `${this.columns.map((c) => csvField(row[c] ?? "")).join(",")}\n`;
    if (!this.stream.write(line)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, "finish");
  }
}
