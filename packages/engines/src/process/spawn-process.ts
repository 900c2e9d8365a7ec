import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { EngineStartError } from "../errors.ts";

/** Everything needed to start (and later restart) one engine process; kept in the state file. */
export interface ProcessSpec {
  /** e.g. "kafka-1", "cassandra-2", "ferretdb" */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** stdout and stderr are appended here. */
  log: string;
  /** A string of the command line that identifies this process (see isOurProcess). */
  marker: string;
}

/**
 * Starts the process with its output appended to its log file. detached: its own process group, so it
 * outlives the CLI that started it; otherwise it shares the caller's group (Ctrl-C reaches it).
 */
export function spawnProcess(spec: ProcessSpec, detached: boolean): number {
  mkdirSync(dirname(spec.log), { recursive: true });
  const fd = openSync(spec.log, "a");
  try {
    writeSync(fd, `\n==== ${new Date().toISOString()} starting ${spec.name}\n`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", fd, fd],
      detached,
    });
    if (child.pid === undefined) throw new EngineStartError(`cannot start ${spec.name} (${spec.command})`);
    child.on("error", () => {
      // reported through the health wait (the process is gone)
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
