import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { deriveFromChartDir } from "./values-schema.ts";

// Re-derives a chart's values schema after a version bump, from the chart's source folder at the pinned version:
//   pnpm --filter @chainlog/infra charts:derive <chart dir> --source <owner/repo@tag:path> [--open key …] --out <file>
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: "string" },
    open: { type: "string", multiple: true, default: [] },
    out: { type: "string" },
  },
});
const [dir] = positionals;
if (!dir || !values.source || !values.out)
  throw new Error(
    "usage: charts:derive <chart dir> --source <owner/repo@ref:path> [--open key …] --out <file>",
  );
// then `biome check --write` the file, as the committed ones are.
const schema = deriveFromChartDir(dir, { source: values.source, openKeys: values.open ?? [] });
writeFileSync(values.out, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`${values.out}: ${Object.keys(schema.properties ?? {}).length} top-level keys`);
