import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "./pids.ts";

/**
 * A cross-process lock (mkdir is atomic) so two test runs don't install the same engine at once.
 * A lock whose holder died, or that is older than staleMs, is taken over.
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>, staleMs = 30 * 60_000): Promise<T> {
  const lockDir = `${dir}.lock`;
  const owner = join(lockDir, "pid");
  for (;;) {
    try {
      mkdirSync(lockDir, { recursive: false });
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (lockIsStale(lockDir, owner, staleMs)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockIsStale(lockDir: string, owner: string, staleMs: number): boolean {
  try {
    if (Date.now() - statSync(lockDir).mtimeMs > staleMs) return true;
    const pid = Number(readFileSync(owner, "utf8"));
    return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  } catch {
    // the holder has not written its pid yet, or just released the lock
    return false;
  }
}
