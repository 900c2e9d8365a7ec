import { parseArgs } from "node:util";
import type { EtlEntity } from "@chainlog/processor";
import { EXPORT_ENTITIES, ExportParameterError, exportRange } from "@chainlog/processor";
import { loadConfig } from "@chainlog/runtime-config";

const HELP = `usage: chainlog export --from N --to N [--entities a,b] [--format csv|parquet] [--out DIR] [--rpc-url URL]

Exports a block range from a JSON-RPC node into ethereum-etl's files and columns, so existing loaders keep working.
  --from, --to     inclusive block range (required)
  --entities       comma-separated, default: ${EXPORT_ENTITIES.join(",")}
  --format         csv (default) or parquet
  --out            output directory (default ./export)
  --rpc-url        node to read (default: the first of ETH_RPC_URLS / ETH_RPC_URL)`;

function parseBlock(name: string, value: string | undefined): number {
  if (value === undefined) throw new ExportParameterError(`--${name} is required`);
  if (!/^\d+$/.test(value))
    throw new ExportParameterError(`--${name} must be a block number, got "${value}"`);
  return Number(value);
}

/** `chainlog export`: the processor's ethereum-etl-compatible exporter behind a command line. */
export async function runExportCommand(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        entities: { type: "string" },
        format: { type: "string", default: "csv" },
        out: { type: "string", default: "export" },
        "rpc-url": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const rpcUrl = values["rpc-url"] ?? loadConfig().rpcUrls[0];
    if (!rpcUrl) throw new ExportParameterError("no node: pass --rpc-url or set ETH_RPC_URL");
    const entities = (values.entities ?? EXPORT_ENTITIES.join(","))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean) as EtlEntity[];
    const started = Date.now();
    const result = await exportRange({
      rpcUrl,
      from: parseBlock("from", values.from),
      to: parseBlock("to", values.to),
      entities,
      format: values.format as "csv" | "parquet",
      outDir: values.out!,
    });
    for (const [entity, { path, rows }] of Object.entries(result.files))
      console.log(`${entity}: ${rows} rows → ${path}`);
    console.log(`${result.blocks} blocks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (
      error instanceof ExportParameterError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`${(error as Error).message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}
