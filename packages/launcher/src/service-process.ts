import { type ChildProcess, spawn } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Logger } from "@chainlog/telemetry";
import { repoRoot } from "./repo-root.ts";

export type ServiceName = "ingest" | "processor" | "query-api" | "web" | "lake";

export interface ServiceProcess {
  name: ServiceName;
  readonly child: ChildProcess;
  /** Resolves when the process exits for good (stop() was called, or restarts are exhausted). */
  readonly done: Promise<void>;
  /** Exits nobody asked for (stop() not called), oldest first. */
  readonly exits: readonly ServiceExit[];
  /** With `keepProblemLines`: the last warn/error/fatal log lines of this service, oldest first. */
  readonly problemLines: readonly string[];
  stop(): Promise<void>;
}

export interface ServiceExit {
  pid: number | undefined;
  at: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartServiceOptions {
  /** Restarts before giving up (default 10); a run that lasted a minute resets the count. */
  maxRestarts?: number;
  /**
   * Keep this many of the service's last warn/error/fatal lines (its output still goes to ours): a test that
   * fails can then say why a service died or stalled instead of pointing at a timeout.
   */
  keepProblemLines?: number;
  /**
   * A prebuilt bundle of the service to run with node (see service-bundle.ts); without one the service runs from its
   * TypeScript sources through tsx.
   */
  bundle?: string;
  /**
   * Scheduling niceness of the process (0 normal, up to 19 lowest): a stage whose output may lag gives the cores
   * to the ones that may not when they are short.
   */
  niceness?: number;
}

const PROBLEM = /"level":"(warn|error|fatal)"/;

/**
 * Set once this process is told to stop: Ctrl-C reaches the whole process group, so a service may exit on the
 * signal before its stop() is called, and that exit is the shutdown, not a crash to restart.
 */
let shuttingDown = false;
const noteShutdown = () => {
  shuttingDown = true;
};

/** The service's package directory: the lake sink is a stage of packages/lake, not a service of its own image. */
export function serviceDir(name: ServiceName): string {
  return join(repoRoot, name === "lake" ? "packages" : "services", name);
}

/**
 * Runs one service as its own process, the way a container would run it, and restarts it with back-off if it
 * dies: a crashed stage must not take the whole pipeline down with it.
 */
export function startService(
  name: ServiceName,
  env: Record<string, string>,
  logger: Logger,
  options: StartServiceOptions = {},
): ServiceProcess {
  const keep = options.keepProblemLines ?? 0;
  const exits: ServiceExit[] = [];
  const problemLines: string[] = [];
  const pass = (from: Readable | null, to: Writable) => {
    if (!from) return;
    createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      to.write(`${line}\n`);
      if (!PROBLEM.test(line)) return;
      problemLines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
      if (problemLines.length > keep) problemLines.shift();
    });
  };
  const args = options.bundle
    ? ["--enable-source-maps", options.bundle]
    : ["--import", "tsx", join(serviceDir(name), "src", "main.ts")];
  let stopping = false;
  let restarts = 0;
  process.once("SIGINT", noteShutdown);
  process.once("SIGTERM", noteShutdown);
  let child!: ChildProcess;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const spawnOnce = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", keep > 0 ? "pipe" : "inherit", keep > 0 ? "pipe" : "inherit"],
    });
    if (options.niceness && child.pid !== undefined)
      try {
        setPriority(child.pid, options.niceness);
      } catch (error) {
        logger.warn({ service: name, err: error }, "could not lower the service's scheduling priority");
      }
    pass(child.stdout, process.stdout);
    pass(child.stderr, process.stderr);
    child.once("exit", (code, signal) => {
      if (stopping || shuttingDown) {
        stopping = true;
        logger.info({ service: name, code, signal }, "service stopped");
        return resolveDone();
      }
      exits.push({ pid: child.pid, at: new Date().toISOString(), code, signal });
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
    exits,
    problemLines,
    async stop() {
      if (!stopping) logger.info({ service: name }, "stopping service");
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
