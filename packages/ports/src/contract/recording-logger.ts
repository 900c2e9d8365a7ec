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
