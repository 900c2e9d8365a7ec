import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { SqlJson, SqlResult } from "@chainlog/lake";
import { loadConfig } from "@chainlog/runtime-config";
import { ChainlogError } from "@chainlog/tx-schema";

const SQL_HELP = `usage: chainlog sql "select …" [--format table|csv|json] [--lake DIR]

Runs SQL with DuckDB over the lake the sink writes (pnpm start keeps it up to date). Tables: blocks, transactions,
receipts, logs, token_transfers, swaps, prices (each with its "date" partition), and every model by its name
(daily_transactions_fees, top_tokens, …; see packages/lake/models).
  --format   table on a terminal, csv otherwise; json gives an array of objects (big numbers as strings)
  --lake     the lake folder (default: LAKE_DIR, else .chainlog/lake, else the devnet's .chainlog/devnet/lake)`;

const MODELS_HELP = `usage: chainlog models build [--lake DIR] [--out DIR]

Runs every SQL model of packages/lake/models over the lake with DuckDB and writes each one's rows as
<out>/<model>/<model>.parquet (default out: <lake>/models). A day whose later blocks are not final yet is marked
day_complete = false.`;

export class LakeCommandError extends ChainlogError {
  override name = "LakeCommandError";
}

/** LAKE_DIR, else the configured lake, else the one `pnpm start` keeps for its devnet. */
export function defaultLakeDir(env: Record<string, string | undefined> = process.env): string {
  const config = loadConfig(env);
  if (config.LAKE_DIR || existsSync(config.lakeDir)) return config.lakeDir;
  const devnet = join(config.dataDir, "devnet", "lake");
  return existsSync(devnet) ? devnet : config.lakeDir;
}

const text = (v: SqlJson): string =>
  v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

export function toCsv(result: SqlResult): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return `${[result.columns, ...result.rows.map((r) => r.map(text))].map((r) => r.map(cell).join(",")).join("\n")}\n`;
}

export function toJson(result: SqlResult): string {
  return `${JSON.stringify(result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i] ?? null]))))}\n`;
}

/** Aligned columns, numbers to the right, long cells cut: for reading, not parsing. */
export function toTable(result: SqlResult, maxWidth = 66): string {
  const cells = result.rows.map((r) =>
    r.map((v) => {
      const s = text(v);
      return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
    }),
  );
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = result.columns.map((_, i) =>
    result.rows.every((r) => r[i] === null || /^-?[\d.e+]+$/.test(text(r[i]!))),
  );
  const line = (r: string[]) =>
    r
      .map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join(" │ ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("─┼─");
  const count = `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`;
  return `${[line(result.columns), rule, ...cells.map(line), count].join("\n")}\n`;
}

/** `chainlog sql`. */
export async function runSqlCommand(
  args: string[],
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: "string" }, lake: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(SQL_HELP);
    return 0;
  }
  const sql = positionals.join(" ").trim();
  if (!sql) {
    console.error(SQL_HELP);
    return 2;
  }
  const format = values.format ?? (out.isTTY ? "table" : "csv");
  if (!["table", "csv", "json"].includes(format))
    throw new LakeCommandError(`--format must be table, csv or json, got "${format}"`);
  const { openLakeSql } = await import("@chainlog/lake");
  const lake = await openLakeSql(values.lake ?? defaultLakeDir());
  try {
    const result = await lake.query(sql);
    out.write(format === "json" ? toJson(result) : format === "csv" ? toCsv(result) : toTable(result));
    return 0;
  } finally {
    lake.close();
  }
}

/** `chainlog models build`. */
export async function runModelsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "build") {
    console.error(MODELS_HELP);
    return sub === "--help" || sub === "-h" ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { lake: { type: "string" }, out: { type: "string" } },
  });
  const { openLakeSql } = await import("@chainlog/lake");
  const lakeDir = values.lake ?? defaultLakeDir();
  const lake = await openLakeSql(lakeDir);
  try {
    for (const m of await lake.buildModels(values.out)) console.log(`${m.name}: ${m.rows} rows → ${m.path}`);
    return 0;
  } finally {
    lake.close();
  }
}
