import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Log } from "@chainlog/tx-schema";

/** ethereum-etl's recorded mainnet answers and expected exports (the shared/ folder beside the repository; see its fixtures/README.md). */
export const etlResources = fileURLToPath(
  new URL("../../../../../shared/fixtures/blockchain-etl__ethereum-etl/tests/resources/", import.meta.url),
);

export function fixture(path: string): string {
  const full = `${etlResources}${path}`;
  if (!existsSync(full))
    throw new Error(
      `missing fixture ${full} (the shared/ folder beside the repository; see its fixtures/README.md)`,
    );
  return readFileSync(full, "utf8");
}

/** JSON lines, with big integers kept as strings (JSON.parse would round values past 2^53). */
export function jsonLines(path: string): Record<string, unknown>[] {
  return fixture(path)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l.replace(/"value": (\d+)/g, '"value": "$1"')) as Record<string, unknown>);
}

/** A minimal RFC 4180 reader: quoted fields may hold commas (topics lists). */
export function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = fixture(path)
    .split("\n")
    .filter((l) => l.trim() !== "");
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === "," && !quoted) {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const names = split(header ?? "");
  return lines.map((line) => {
    const cells = split(line);
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

/** ethereum-etl's log row (CSV or JSON) as our Log record. */
export function etlLogToLog(row: Record<string, unknown>): Log {
  const topics = Array.isArray(row.topics)
    ? (row.topics as string[])
    : String(row.topics)
        .split(",")
        .filter((t) => t !== "");
  return {
    blockNumber: Number(row.block_number),
    blockHash: String(row.block_hash),
    transactionHash: String(row.transaction_hash),
    transactionIndex: Number(row.transaction_index),
    logIndex: Number(row.log_index),
    address: String(row.address),
    topics,
    data: String(row.data),
  };
}
