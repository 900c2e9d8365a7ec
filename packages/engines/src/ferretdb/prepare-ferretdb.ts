import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ProcessSpec } from "../process/spawn-process.ts";

export function ferretDbUrl(port: number): string {
  return `mongodb://127.0.0.1:${port}/`;
}

/** FerretDB with its pure-Go SQLite handler: one SQLite file per database under <baseDir>/ferretdb/data. */
export function prepareFerretDb(p: { baseDir: string; binary: string; port: number }): ProcessSpec {
  const dir = join(p.baseDir, "ferretdb");
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(dir, "state"), { recursive: true });
  const sqliteUrl = `file:${dataDir}/`;
  return {
    name: "ferretdb",
    command: p.binary,
    args: [
      "--handler=sqlite",
      `--sqlite-url=${sqliteUrl}`,
      `--listen-addr=127.0.0.1:${p.port}`,
      `--state-dir=${join(dir, "state")}`,
      // no debug/metrics HTTP listener on a fixed port (8088), no phoning home
      "--debug-addr=-",
      "--telemetry=disable",
      "--log-level=info",
    ],
    cwd: dir,
    log: join(p.baseDir, "logs", "ferretdb.log"),
    marker: sqliteUrl,
  };
}
