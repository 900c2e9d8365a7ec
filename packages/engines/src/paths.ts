import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Downloads and builds, shared by every run: ~/.cache/chainlog unless CHAINLOG_CACHE_DIR says otherwise. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CHAINLOG_CACHE_DIR || join(homedir(), ".cache", "chainlog"));
}

/** Data, logs and the process list of one set of running engines. */
export function defaultBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CHAINLOG_ENGINES_DIR || join(cacheDir(env), "run"));
}
