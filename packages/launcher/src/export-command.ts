import { parseArgs } from "node:util";
import {
  BeyondHeadError,
  DEFAULT_ENTITIES,
  type EtlEntity,
  EXPORT_ENTITIES,
  ExportParameterError,
  type ExportProgress,
  exportRange,
  TracesUnavailableError,
} from "@chainlog/etl-export";
import { loadConfig } from "@chainlog/runtime-config";
import { createLogger } from "@chainlog/telemetry";

const HELP = `usage: chainlog export --from N --to N [--entities a,b] [--format csv|parquet] [--out DIR] [--rpc-url URL]

Exports a block range from a JSON-RPC node into ethereum-etl's files and columns, so existing loaders keep working.
  --from, --to     inclusive block range (required)
  --entities       comma-separated, of ${EXPORT_ENTITIES.join(",")}
                   (default: all but traces, which need a node with debug_traceBlockByNumber and the callTracer)
  --format         csv (default) or parquet
  --out            output directory (default ./export)
  --rpc-url        node(s) to read, comma-separated for failover (default: ETH_RPC_URLS / ETH_RPC_URL)`;

function parseBlock(name: string, value: string | undefined): number {
  if (value === undefined) throw new ExportParameterError(`--${name} is required`);
  if (!/^\d+$/.test(value))
    throw new ExportParameterError(`--${name} must be a block number, got "${value}"`);
  return Number(value);
}

/** A one-line bar on stderr when it is a terminal; nothing in pipes and logs. */
function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return { update: (_p: ExportProgress) => undefined, done: () => undefined };
  const started = performance.now();
  let last = 0;
  return {
    update(p: ExportProgress) {
      const now = performance.now();
      if (now - last < 200 && p.block < p.to) return;
      last = now;
      const done = (p.block - p.from + 1) / (p.to - p.from + 1);
      const secs = (now - started) / 1000;
      const rate = p.blocks / Math.max(0.001, secs);
      const eta = rate > 0 ? (p.to - p.block) / rate : 0;
      const bar = "#".repeat(Math.round(done * 30)).padEnd(30, ".");
      stream.write(
        `\r[${bar}] ${p.block}/${p.to} ${Math.round(rate)} blk/s ${Math.round(p.transactions / Math.max(0.001, secs))} tx/s ETA ${Math.round(eta)}s  `,
      );
    },
    done: () => stream.write("\n"),
  };
}

/** `chainlog export`: the ethereum-etl-compatible exporter (packages/etl-export) behind a command line. */
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
    const rpcUrls = values["rpc-url"]
      ? values["rpc-url"]
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : loadConfig().rpcUrls;
    if (rpcUrls.length === 0) throw new ExportParameterError("no node: pass --rpc-url or set ETH_RPC_URL");
    const entities = (values.entities ?? DEFAULT_ENTITIES.join(","))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean) as EtlEntity[];
    const started = Date.now();
    const bar = progressBar();
    const stop = new AbortController();
    const interrupt = () => stop.abort(new Error("export interrupted; nothing was written"));
    process.once("SIGINT", interrupt);
    const result = await exportRange({
      rpcUrls,
      from: parseBlock("from", values.from),
      to: parseBlock("to", values.to),
      entities,
      format: values.format as "csv" | "parquet",
      outDir: values.out!,
      onProgress: bar.update,
      signal: stop.signal,
      logger: createLogger("export", "warn"),
    }).finally(() => {
      process.off("SIGINT", interrupt);
      bar.done();
    });
    for (const [entity, { path, rows }] of Object.entries(result.files))
      console.log(`${entity}: ${rows} rows → ${path}`);
    console.log(`${result.blocks} blocks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    // a range past the head, or a node that cannot trace, is not a usage mistake: one line saying why
    if (error instanceof BeyondHeadError || error instanceof TracesUnavailableError) {
      console.error(error.message);
      return 2;
    }
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

/** The command as bin/chainlog.mjs runs it from the bundle. */
export const runCommand = runExportCommand;
