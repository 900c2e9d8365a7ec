import { ConfigError } from "@chainlog/runtime-config";

/** A bad command line: a ConfigError, so ingest's start reports it in one line like a bad variable. */
export class IngestEnvError extends ConfigError {
  override name = "IngestEnvError";
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
