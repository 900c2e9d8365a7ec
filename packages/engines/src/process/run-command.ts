import { spawn } from "node:child_process";
import { EngineInstallError } from "../errors.ts";

export interface RunCommandParameters {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the command past this many ms. */
  timeoutMs?: number;
}

/** Runs an install step to completion; its output is returned (and quoted in the error when it fails). */
export async function runCommand(params: RunCommandParameters): Promise<string> {
  const { command, args } = params;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: params.cwd,
      env: params.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), params.timeoutMs ?? 20 * 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new EngineInstallError(`cannot run ${command}: ${error.message}`, { cause: error }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new EngineInstallError(
            `${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.trim().split("\n").slice(-25).join("\n")}`,
          ),
        );
    });
  });
}
