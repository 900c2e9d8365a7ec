import { vi } from "vitest";
import type { AdapterLogger } from "../logger.ts";

export interface LogEntry {
  level: "info" | "warn" | "error";
  msg: string | undefined;
  obj: object;
}

/** An AdapterLogger that keeps what it is given, for tests that check what an adapter reports. */
export function recordingLogger(): AdapterLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry["level"]) => (obj: object, msg?: string) => {
    entries.push({ level, msg, obj });
  };
  return { entries, info: at("info"), warn: at("warn"), error: at("error") };
}

/** The first entry at `level`, once the adapter has written one (it may log from a background connection). */
export function untilLogged(
  logger: { entries: LogEntry[] },
  level: LogEntry["level"],
  timeoutMs = 30_000,
): Promise<LogEntry> {
  return vi.waitFor(
    () => {
      const entry = logger.entries.find((e) => e.level === level);
      if (!entry) throw new Error(`nothing logged at ${level} yet`);
      return entry;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
