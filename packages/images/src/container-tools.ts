import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "@chainlog/engines";
import { parseEnv, slices } from "@chainlog/runtime-config";

export const imagesCacheDir = () => join(cacheDir(), "images");

export class ContainerToolError extends Error {
  override name = "ContainerToolError";
}

/**
 * podman's defaults do not run here: crun fails on a host that mounts cgroup v1 beside v2, and its default rlimits
 * exceed what the sandbox may set. This containers.conf picks runc and the host's own open-file limit; it applies
 * only to the commands below (CONTAINERS_CONF), never to the machine's podman.
 */
function containersConf(): string {
  const dir = imagesCacheDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "containers.conf");
  const hardNofile = parseEnv(slices.tools, process.env).CHAINLOG_NOFILE_LIMIT ?? hardOpenFileLimit();
  writeFileSync(
    path,
    [
      "[containers]",
      `default_ulimits = ["nofile=${hardNofile}:${hardNofile}", "nproc=32768:32768"]`,
      "",
      "[engine]",
      'runtime = "runc"',
      "",
    ].join("\n"),
  );
  return path;
}

let nofile: number | undefined;
function hardOpenFileLimit(): number {
  // Node has no getrlimit; /proc tells the limit this process (and so its children) may raise to.
  if (nofile !== undefined) return nofile;
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max open files"));
    const hard = line?.trim().split(/\s+/)[4];
    nofile = hard && hard !== "unlimited" ? Number(hard) : 65536;
  } catch {
    nofile = 65536;
  }
  return nofile;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion; a non-zero exit fails with the tail of its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; echo?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, CONTAINERS_CONF: containersConf(), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (options.echo) process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      if (options.echo) process.stderr.write(d);
    });
    child.on("error", (error) =>
      reject(new ContainerToolError(`${command} could not start (${error.message}): is it installed?`)),
    );
    child.on("exit", (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = (stderr || stdout).trim().split("\n").slice(-15).join("\n");
        reject(
          new ContainerToolError(
            `${command} ${args.slice(0, 3).join(" ")} … failed (${signal ?? code}):\n${tail}`,
          ),
        );
      }
    });
  });
}

export const podman = (args: string[], options?: Parameters<typeof run>[2]) => run("podman", args, options);
export const skopeo = (args: string[], options?: Parameters<typeof run>[2]) => run("skopeo", args, options);
