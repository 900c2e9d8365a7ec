import { engineControl } from "./engine-control.ts";
import { EngineStartError } from "./errors.ts";
import { defaultBaseDir } from "./paths.ts";
import { isOurProcess } from "./process/pids.ts";
import { type Engines, enginesApi } from "./start-engines.ts";
import { readState } from "./state.ts";

/**
 * The Engines object for engines another process started (e.g. `pnpm engines:up` in CI): endpoints, stop,
 * and kill/restart for fault tests. Restarted processes are detached, like those of `engines:up`.
 */
export function attachEngines(params: { baseDir?: string } = {}): Engines {
  const baseDir = params.baseDir ?? defaultBaseDir();
  const state = readState(baseDir);
  if (!state) throw new EngineStartError(`no engines recorded in ${baseDir}; run \`pnpm engines:up\` first`);
  const down = Object.values(state.processes).filter((p) => !isOurProcess(p.pid, p.spec.marker));
  if (down.length === Object.keys(state.processes).length)
    throw new EngineStartError(`the engines recorded in ${baseDir} are not running; run \`pnpm engines:up\``);
  return enginesApi(
    baseDir,
    state,
    engineControl(baseDir, state, true),
    { installMs: 0, startMs: 0 },
    () => {},
  );
}
