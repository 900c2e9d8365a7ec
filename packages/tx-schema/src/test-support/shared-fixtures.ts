import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** ../shared/fixtures beside the repository (public recorded mainnet answers; see its README and SOURCES). */
export const sharedFixturesDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../../shared/fixtures",
);

export function readSharedJson(relative: string): unknown {
  const path = join(sharedFixturesDir, relative);
  if (!existsSync(path))
    throw new Error(`shared fixture missing: ${path} (shared/ must sit beside the repo)`);
  return JSON.parse(readFileSync(path, "utf8"));
}

export function readSharedText(relative: string): string {
  return readFileSync(join(sharedFixturesDir, relative), "utf8");
}

/** An execution-apis `.io` file: `>> request` / `<< response` lines. Returns the response's result. */
export function readIoResult(relative: string): unknown {
  const line = readSharedText(relative)
    .split("\n")
    .find((l) => l.startsWith("<< "));
  if (!line) throw new Error(`no response in ${relative}`);
  return (JSON.parse(line.slice(3)) as { result: unknown }).result;
}

/** Minimal CSV reader for ethereum-etl's expected files (no quoted commas in those columns). */
export function readCsv(relative: string): Record<string, string>[] {
  const [header, ...rows] = readSharedText(relative).trim().split("\n");
  const cols = header!.split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [cols[i], v])));
}
