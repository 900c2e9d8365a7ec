import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LakeError } from "./errors.ts";
import { LakeEntities, type LakeEntity, LakeSchemas } from "./schema.ts";

/** The model folder shipped with this package: one SELECT per .sql file, named after the file. */
export const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "models");

export type SqlJson = string | number | boolean | null | SqlJson[] | { [key: string]: SqlJson };

export interface SqlResult {
  columns: string[];
  /** JSON-safe values: BIGINT, HUGEINT and DECIMAL come as exact strings. */
  rows: SqlJson[][];
}

export interface Model {
  name: string;
  sql: string;
}

export class LakeSqlError extends LakeError {
  override name = "LakeSqlError";
}

export function loadModels(dir = MODELS_DIR): Model[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => ({
      name: basename(f, ".sql"),
      sql: readFileSync(join(dir, f), "utf8").trim().replace(/;\s*$/, ""),
    }));
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const DUCK_TYPES = { INT64: "BIGINT", STRING: "VARCHAR", DOUBLE: "DOUBLE" } as const;

function hasParts(lakeDir: string, entity: LakeEntity): boolean {
  const dir = join(lakeDir, entity);
  return (
    existsSync(dir) &&
    readdirSync(dir).some(
      (d) => d.startsWith("date=") && readdirSync(join(dir, d)).some((f) => f.endsWith(".parquet")),
    )
  );
}

/**
 * DuckDB's module, loaded on first use: it costs about 0.2 s of CPU, which the lake sink and query-api (which
 * import this package) would otherwise pay at every start, during a backfill too, for SQL they may never run.
 */
export const loadDuckDb = () => import("@duckdb/node-api");

/**
 * DuckDB over a lake folder: each table is a view over its hive-partitioned Parquet (`date` as text, as in Glue),
 * an empty typed view when it has no file yet, and each model is a view by its name, so `select * from
 * daily_transactions_fees` works as a table does.
 */
export async function openLakeSql(lakeDir: string, options: { modelsDir?: string } = {}) {
  if (!existsSync(lakeDir)) throw new LakeSqlError(`no lake at ${lakeDir} (run pnpm start, or set LAKE_DIR)`);
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  for (const entity of LakeEntities) {
    const body = hasParts(lakeDir, entity)
      ? `SELECT * FROM read_parquet(${literal(`${lakeDir}/${entity}/date=*/*.parquet`)}, hive_partitioning = true, hive_types = {'date': VARCHAR})`
      : `SELECT ${[...LakeSchemas[entity].map((c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${ident(c.name)}`), `CAST(NULL AS VARCHAR) AS "date"`].join(", ")} WHERE false`;
    await connection.run(`CREATE VIEW ${ident(entity)} AS ${body}`);
  }
  const models = loadModels(options.modelsDir);
  for (const m of models) await connection.run(`CREATE VIEW ${ident(m.name)} AS ${m.sql}`);

  const query = async (sql: string): Promise<SqlResult> => {
    try {
      const reader = await connection.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as SqlJson[][] };
    } catch (error) {
      throw new LakeSqlError(error instanceof Error ? error.message : String(error));
    }
  };

  return {
    models,
    query,
    /**
     * Writes every model's rows to `<outDir>/<model>/<model>.parquet` (default <lake>/models), each written aside
     * and renamed into place: a reader sees the previous build or the new one. Returns the row count per model.
     */
    async buildModels(
      outDir = join(lakeDir, "models"),
    ): Promise<{ name: string; rows: number; path: string }[]> {
      const built: { name: string; rows: number; path: string }[] = [];
      for (const m of models) {
        const dir = join(outDir, m.name);
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `${m.name}.parquet`);
        const tmp = join(dir, `.${m.name}.parquet.tmp`);
        rmSync(tmp, { force: true });
        try {
          await connection.run(`COPY (SELECT * FROM ${ident(m.name)}) TO ${literal(tmp)} (FORMAT parquet)`);
        } catch (error) {
          rmSync(tmp, { force: true });
          throw new LakeSqlError(
            `model ${m.name}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        renameSync(tmp, path);
        const [[rows]] = (await query(`SELECT count(*) FROM read_parquet(${literal(path)})`)).rows as [
          [string],
        ];
        built.push({ name: m.name, rows: Number(rows), path });
      }
      return built;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export type LakeSql = Awaited<ReturnType<typeof openLakeSql>>;
