import { parseArgs } from "node:util";
import {
  ConfigError,
  invalidVariables,
  loadConfig,
  type ProgramName,
  programs,
  readersOf,
  type SliceName,
  slices,
  variableRows,
} from "@chainlog/runtime-config";

export const CONFIG_HELP = `usage: chainlog config [--program <name>]

Lists every environment variable Chainlog reads, slice by slice, with its default and meaning, then checks
the values set in this environment. Each program reads, and validates at its start, only the slices it
composes; --program shows one program's. Empty values count as unset. Exits 1 when a set value is invalid.

programs: ${Object.keys(programs).join(", ")}`;

type Env = Record<string, string | undefined>;

function isProgram(name: string): name is ProgramName {
  return Object.hasOwn(programs, name);
}

/** The listing, and the problems of `env`'s values (never the values: some are secrets). */
export function describeConfig(env: Env, program?: ProgramName): { text: string; problems: string[] } {
  const shownSlices: SliceName[] = program ? [...programs[program]] : (Object.keys(slices) as SliceName[]);
  const rows = variableRows().filter((r) => shownSlices.includes(r.slice));
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const defaultWidth = Math.min(24, Math.max(...rows.map((r) => (r.default ?? "—").length)));
  const lines = [
    program
      ? `Environment variables ${program} reads (empty values count as unset):`
      : "Environment variables Chainlog reads, by slice (empty values count as unset):",
  ];
  for (const slice of shownSlices) {
    lines.push("", `${slice} (read by ${readersOf(slice).join(", ")})`);
    for (const r of rows.filter((row) => row.slice === slice))
      lines.push(
        `  ${r.name.padEnd(nameWidth)}  ${(r.default ?? "—").padEnd(defaultWidth)}  ${r.description}`,
      );
  }
  if (!program) {
    lines.push("", "programs and the slices they compose:");
    const width = Math.max(...Object.keys(programs).map((p) => p.length));
    for (const [name, composed] of Object.entries(programs))
      lines.push(`  ${name.padEnd(width)}  ${composed.join(", ")}`);
  }

  const shown = new Set(rows.map((r) => r.name));
  const problems = invalidVariables(env)
    .filter((p) => shown.has(p.name))
    .map((p) => `${p.name}: ${p.problem}`);
  // what no single value shows: combinations (CASSANDRA_AUTH=password without a password)
  if (problems.length === 0) {
    try {
      loadConfig(env, program ?? "launcher");
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  const set = rows.filter((r) => env[r.name] !== undefined && env[r.name] !== "").length;
  lines.push(
    "",
    problems.length === 0
      ? `this environment: ${set} of these set, all valid`
      : `this environment: ${problems.length} invalid:\n${problems.map((p) => `  ${p}`).join("\n")}`,
  );
  return { text: lines.join("\n"), problems };
}

export function runConfigCommand(argv: string[], env: Env = process.env): number {
  const { values } = parseArgs({
    args: argv,
    options: { program: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    console.log(CONFIG_HELP);
    return 0;
  }
  if (values.program !== undefined && !isProgram(values.program)) {
    console.error(`unknown program '${values.program}'\n\n${CONFIG_HELP}`);
    return 2;
  }
  const { text, problems } = describeConfig(env, values.program);
  console.log(text);
  return problems.length === 0 ? 0 : 1;
}
