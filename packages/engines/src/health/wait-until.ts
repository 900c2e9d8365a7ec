import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { EngineStartError } from "../errors.ts";
import { isAlive } from "../process/pids.ts";
import type { ProcessSpec } from "../process/spawn-process.ts";

/** A process whose death ends a wait: an engine's record, or any process spawned with a log. */
export interface WatchedProcess {
  pid: number;
  spec: Pick<ProcessSpec, "name" | "log">;
}

export interface WaitParameters {
  what: string;
  timeoutMs: number;
  /** The processes whose death ends the wait at once (with their log's tail in the error). None when absent. */
  processes?: WatchedProcess[];
  intervalMs?: number;
}

/**
 * Polls check() until it returns true; fails fast when a watched process exits. The shared poll loop outside
 * tests (tests use vitest's vi.waitFor).
 */
export async function waitUntil(check: () => Promise<boolean>, p: WaitParameters): Promise<void> {
  const deadline = Date.now() + p.timeoutMs;
  const processes = p.processes ?? [];
  let lastError = "";
  for (;;) {
    for (const proc of processes) {
      if (!isAlive(proc.pid))
        throw new EngineStartError(
          `${proc.spec.name} exited while waiting for ${p.what}:\n${logErrors(proc.spec.log)}${logTail(proc.spec.log)}`,
        );
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const logs = processes.map((proc) => `\n--- ${proc.spec.log}\n${logTail(proc.spec.log, 15)}`).join("");
      throw new EngineStartError(
        `${p.what} not ready within ${Math.round(p.timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ""}${logs}`,
      );
    }
    await sleep(p.intervalMs ?? 500);
  }
}

/** The log's first error lines: a JVM that dies at start logs its cause long before the shutdown noise. */
export function logErrors(path: string, lines = 10): string {
  try {
    const errors = readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => /\b(ERROR|FATAL)\b|Exception:/.test(l))
      .slice(0, lines);
    return errors.length > 0 ? `first errors:\n${errors.join("\n")}\nlast lines:\n` : "";
  } catch {
    return "";
  }
}

export function logTail(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
