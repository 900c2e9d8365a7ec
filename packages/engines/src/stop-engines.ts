import { defaultBaseDir } from "./paths.ts";
import { isOurProcess, stopPid } from "./process/pids.ts";
import { readState, removeState } from "./state.ts";

export interface StopEnginesParameters {
  baseDir?: string;
  /** How long SIGTERM gets before SIGKILL. */
  graceMs?: number;
}

/**
 * Stops every engine recorded in <baseDir>/engines.json, from any process: SIGTERM, then SIGKILL after the
 * grace period, all at once (a 3-broker KRaft quorum stopped one by one would stall its last broker).
 * Returns the names it stopped; data and logs stay.
 */
export async function stopEngines(params: StopEnginesParameters = {}): Promise<string[]> {
  const baseDir = params.baseDir ?? defaultBaseDir();
  const state = readState(baseDir);
  if (!state) return [];
  const running = Object.values(state.processes).filter((p) => isOurProcess(p.pid, p.spec.marker));
  await Promise.all(running.map((p) => stopPid(p.pid, p.spec.marker, params.graceMs ?? 30_000)));
  removeState(baseDir);
  return running.map((p) => p.spec.name);
}
