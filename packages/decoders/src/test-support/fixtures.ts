import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { blockFromRpc, type Log, receiptsFromRpc } from "@chainlog/tx-schema";

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

/** The `result` of a recorded JSON-RPC answer. */
export function rpcResult(path: string): unknown {
  return (JSON.parse(fixture(path)) as { result: unknown }).result;
}

/** A fixture's CSV rows by column name (see parseCsv). */
export function csvRows(path: string): Record<string, string>[] {
  return parseCsv(fixture(path));
}

/**
 * A minimal RFC 4180 reader, the way a loader reads CSV: quoted fields may hold commas (topics lists) and
 * doubled quotes. Blank lines are skipped; quoted line breaks are not supported.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.split("\n").filter((l) => l.trim() !== "");
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"' && quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = !quoted;
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

/**
 * Mainnet block 483,920 (3 Nov 2015) with its recorded receipts and logs: 4 transactions, 2 token transfers.
 * The 2015 recordings predate the receipt's from/to fields (today's nodes return them): they are added from the
 * transactions.
 */
export function block483920() {
  const { block, transactions } = blockFromRpc(
    rpcResult("test_export_blocks_job/block_with_logs/web3_response.eth_getBlockByNumber_0x76250_true.json"),
  );
  const raw = transactions.map((tx) => ({
    from: tx.from,
    to: tx.to,
    ...(rpcResult(
      `test_export_receipts_job/receipts_with_logs/web3_response.eth_getTransactionReceipt_${tx.hash}.json`,
    ) as object),
  }));
  const { receipts, logs } = receiptsFromRpc(raw, block, transactions, "eth_getTransactionReceipt");
  return { block, transactions, receipts, logs };
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
