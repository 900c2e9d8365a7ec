import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Logger } from "@chainlog/telemetry";
import { repoRoot } from "./repo-root.ts";

export type ServiceName = "ingest" | "processor" | "query-api" | "web";

export interface ServiceProcess {
  name: ServiceName;
  readonly child: ChildProcess;
  /** Resolves when the process exits for good (stop() was called, or restarts are exhausted). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one service as its own process, the way a container would run it, and restarts it with back-off if it
 * dies: a crashed stage must not take the whole pipeline down with it.
 */
export function startService(
  name: ServiceName,
  env: Record<string, string>,
  logger: Logger,
  options: { maxRestarts?: number } = {},
): ServiceProcess {
  const entry = join(repoRoot, "services", name, "src", "main.ts");
  let stopping = false;
  let restarts = 0;
  let child!: ChildProcess;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const spawnOnce = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, ["--import", "tsx", entry], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code, signal) => {
      if (stopping) return resolveDone();
      // A run that lasted a minute resets the budget: only tight crash loops give up.
      if (Date.now() - startedAt > 60_000) restarts = 0;
      if (restarts >= (options.maxRestarts ?? 10)) {
        logger.warn({ service: name, code, signal, restarts }, "service exited; not restarting it");
        return resolveDone();
      }
      const delay = Math.min(30_000, 500 * 2 ** restarts++);
      logger.warn({ service: name, code, signal, restartInMs: delay }, "service exited; restarting");
      setTimeout(() => {
        if (!stopping) spawnOnce();
        else resolveDone();
      }, delay);
    });
  };
  spawnOnce();
  return {
    name,
    get child() {
      return child;
    },
    done,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        await new Promise<void>((r) => child.once("exit", () => r()));
        clearTimeout(timer);
      }
      resolveDone();
    },
  };
}
