import { ChainlogError } from "@chainlog/tx-schema";
import { z } from "zod";
import { parseSince } from "./sync-historical/resolve-since.ts";

const int = z.coerce.number().int().min(0);

/** Ingest's own environment variables (the shared ones come from @chainlog/runtime-config). */
export const IngestEnv = z.object({
  REORG_DEPTH: int.min(1).default(64),
  MAX_LAG: int.default(5),
  INGEST_FROM: z.union([z.literal("latest"), int]).optional(),
  INGEST_TO: int.optional(),
  INGEST_SINCE: z.string().transform(parseSince).optional(),
  INGEST_BATCH_BLOCKS: int.min(1).max(1000).default(10),
  INGEST_MAX_CONCURRENCY: int.min(1).max(256).default(16),
  INGEST_POLL_MS: int.min(10).default(500),
  INGEST_STUCK_AFTER_S: int.min(1).default(60),
  RPC_TIMEOUT_MS: int.min(100).default(10_000),
  INGEST_HTTP_HOST: z.string().default("127.0.0.1"),
});
export type IngestEnv = z.infer<typeof IngestEnv>;

export class IngestEnvError extends ChainlogError {
  override name = "IngestEnvError";
}

export function loadIngestEnv(env: Record<string, string | undefined>): IngestEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  try {
    const parsed = IngestEnv.safeParse(cleaned);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new IngestEnvError(`invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
    }
    return parsed.data;
  } catch (error) {
    if (error instanceof IngestEnvError) throw error;
    throw new IngestEnvError((error as Error).message);
  }
}

/** Command-line overrides: --from N|latest, --to N, --since 180d. */
export function argvOverrides(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const names: Record<string, string> = {
    "--from": "INGEST_FROM",
    "--to": "INGEST_TO",
    "--since": "INGEST_SINCE",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2);
    const name = names[flag!];
    if (!name) continue;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new IngestEnvError(`${flag} needs a value`);
    out[name] = value;
  }
  return out;
}
