import { defaultBaseDir } from "./paths.ts";
import { isOurProcess } from "./process/pids.ts";
import { type EngineEndpoints, readState } from "./state.ts";

export interface EngineStatus {
  baseDir: string;
  nodes?: 1 | 3;
  endpoints?: EngineEndpoints;
  processes: { name: string; pid: number; running: boolean; log: string }[];
}

/** What <baseDir>/engines.json records, with whether each process is still alive. */
export function enginesStatus(baseDir: string = defaultBaseDir()): EngineStatus {
  const state = readState(baseDir);
  if (!state) return { baseDir, processes: [] };
  return {
    baseDir,
    nodes: state.nodes,
    endpoints: state.endpoints,
    processes: Object.values(state.processes).map((p) => ({
      name: p.spec.name,
      pid: p.pid,
      running: isOurProcess(p.pid, p.spec.marker),
      log: p.spec.log,
    })),
  };
}
