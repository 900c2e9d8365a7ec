/**
 * `pnpm bench [name…]`: runs the benchmarks (`*.bench.ts` beside the code they measure), one at a time so they
 * do not compete for the machine. A name selects the files whose base name or package matches it, e.g.
 * `pnpm bench ingest`, `pnpm bench api`, `pnpm bench e2e`; `package/name` picks one file where base names repeat
 * (`pnpm bench embedded/store` vs `pnpm bench cassandra-store/store`). Every benchmark prints its figures as ratios
 * against a baseline it measures in the same run.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function findBenches(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findBenches(path, out);
    else if (entry.endsWith(".bench.ts")) out.push(path);
  }
  return out;
}

const wanted = process.argv.slice(2);
const all = ["packages", "services", "bench"].flatMap((d) => findBenches(join(root, d))).sort();
const selected = wanted.length
  ? all.filter((f) =>
      wanted.some((w) => {
        const parts = relative(root, f).split("/");
        // bench/compare.bench.ts belongs to no package: its name alone selects it
        const pkg = parts[0] === "bench" ? "" : parts[1];
        const name = basename(f, ".bench.ts");
        return name === w || pkg === w || `${pkg}/${name}` === w;
      }),
    )
  : all;
if (selected.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(", ")}; available:\n${all.map((f) => `  ${relative(root, f)}`).join("\n")}`,
  );
  process.exit(2);
}
let failed = 0;
for (const file of selected) {
  console.log(`\n=== ${relative(root, file)} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
