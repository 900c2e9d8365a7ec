import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const children = new Set<ChildProcess>();

/** SIGKILLs every worker still running (tests call it in afterEach; process exit calls it too). */
export function killWorkers(): void {
  for (const c of children) c.kill("SIGKILL");
}
process.once("exit", killWorkers);

/** Runs a test-support script with tsx in its own process; stdout is collected line by line. */
export function startWorker(script: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += String(d);
  });
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(l));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, lines, exited, stderr: () => stderr };
}

export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}
