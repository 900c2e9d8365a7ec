import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // "pid (comm) S ..." — comm may hold spaces, so read the state after the last ')'
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/**
 * Guards against a recycled pid: the recorded process is ours only if its command line still names our
 * marker (the node's own config path).
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    // no /proc (not Linux): trust the pid file
    return true;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopPid(pid: number, marker: string, graceMs = 30_000): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  signal(pid, "SIGTERM");
  if (await waitGone(pid, graceMs)) return;
  signal(pid, "SIGKILL");
  await waitGone(pid, 10_000);
}

/** SIGKILL right away, as a crash would. */
export async function killPid(pid: number, marker: string): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  signal(pid, "SIGKILL");
  await waitGone(pid, 10_000);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
