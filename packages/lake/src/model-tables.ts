import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBInstance } from "@duckdb/node-api";
import { loadDuckDb, loadModels, type SqlJson } from "./lake-sql.ts";

export interface ModelTableSummary {
  name: string;
  /** Unix ms the table was written. */
  builtAt: number;
  rows: number;
}

export interface ModelTablePage extends ModelTableSummary {
  columns: { name: string; type: string }[];
  items: Record<string, SqlJson>[];
  offset: number;
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The model tables `chainlog models build` wrote (`<dir>/<model>/<model>.parquet`), read with DuckDB. Only the
 * shipped models' names are looked up, so a name never becomes a path of its own.
 */
export function createModelTables(dir: string, options: { modelsDir?: string } = {}) {
  const names = new Set(loadModels(options.modelsDir).map((m) => m.name));
  let duck: Promise<DuckDBInstance> | null = null;
  const pathOf = (name: string) => join(dir, name, `${name}.parquet`);

  const run = async (sql: string) => {
    duck ??= loadDuckDb().then((m) => m.DuckDBInstance.create(":memory:"));
    const connection = await (await duck).connect();
    try {
      return await connection.runAndReadAll(sql);
    } finally {
      connection.closeSync();
    }
  };

  const summary = async (name: string): Promise<ModelTableSummary | null> => {
    const path = pathOf(name);
    if (!names.has(name) || !existsSync(path)) return null;
    const builtAt = Math.floor(statSync(path).mtimeMs);
    // the footer's row count: no data page is read
    const reader = await run(`SELECT sum(num_rows) FROM parquet_file_metadata(${literal(path)})`);
    return { name, builtAt, rows: Number(reader.getRowsJson()[0]?.[0] ?? 0) };
  };

  return {
    /** The built tables of the shipped models, by name. */
    async list(): Promise<ModelTableSummary[]> {
      const out: ModelTableSummary[] = [];
      for (const name of [...names].sort()) {
        const s = await summary(name);
        if (s) out.push(s);
      }
      return out;
    },
    /** Rows [offset, offset + limit) of a model table; null when no such model was built. */
    async read(name: string, page: { limit: number; offset: number }): Promise<ModelTablePage | null> {
      const s = await summary(name);
      if (!s) return null;
      const reader = await run(
        `SELECT * FROM read_parquet(${literal(pathOf(name))}) LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`,
      );
      const columnNames = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      return {
        ...s,
        columns: columnNames.map((n, i) => ({ name: n, type: types[i] ?? "UNKNOWN" })),
        items: (reader.getRowsJson() as SqlJson[][]).map((row) =>
          Object.fromEntries(columnNames.map((n, i) => [n, row[i] ?? null])),
        ),
        offset: page.offset,
      };
    },
    close() {
      void duck?.then((d) => d.closeSync());
      duck = null;
    },
  };
}

export type ModelTables = ReturnType<typeof createModelTables>;
