import { pino } from "pino";

export type Logger = pino.Logger;

/**
 * The slice of Logger that libraries take (the cluster adapters, the devnet workload): the caller passes its own
 * logger, so a broker's or driver's errors reach the service's log; tests pass a recording one. Required, never
 * defaulted to a silent one.
 */
export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  "secret",
  "*.secret",
];

/** One entry per error under the logged one, so a wrapped error's details and retry hint are not lost. */
interface CauseEntry {
  type: string;
  message: string;
  details?: string;
  retryable?: boolean;
}

function causesOf(error: unknown): CauseEntry[] {
  const causes: CauseEntry[] = [];
  const seen = new Set<unknown>([error]);
  for (
    let c = (error as { cause?: unknown }).cause;
    c !== undefined && !seen.has(c) && causes.length < 10;
  ) {
    seen.add(c);
    const e = c as {
      name?: unknown;
      shortMessage?: unknown;
      message?: unknown;
      details?: unknown;
      retryable?: unknown;
    };
    causes.push({
      type: typeof e.name === "string" ? e.name : typeof c,
      message: String(e.shortMessage ?? e.message ?? c),
      ...(typeof e.details === "string" ? { details: e.details } : {}),
      ...(typeof e.retryable === "boolean" ? { retryable: e.retryable } : {}),
    });
    c = e instanceof Object ? (c as { cause?: unknown }).cause : undefined;
  }
  return causes;
}

/**
 * pino's error serializer (messages and stacks joined along the cause chain) plus each cause's own fields. What
 * was thrown need not be an Error (`throw null`, a string): that is logged as it is, never thrown from the log call.
 */
function serializeError(error: Error): unknown {
  if (error === null || typeof error !== "object") return error;
  const out = pino.stdSerializers.err(error);
  const causes = causesOf(error);
  return causes.length > 0 ? { ...out, causes } : out;
}

/**
 * One JSON object per line on stdout (or `destination`), with the service name on every line. An error logged
 * as `err` prints its cause chain: the joined messages and stacks, and `causes` with each one's details. The
 * level is the caller's: a service's LOG_LEVEL from @chainlog/runtime-config, whose adapters depend on this
 * package, so this one cannot read it.
 */
export function createLogger(service: string, level = "info", destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Strips credentials from a URL before it is logged or shown (RPC URLs often carry API keys). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username) u.username = "***";
    if (u.password) u.password = "***";
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, "***");
    // Providers put keys in the path too (…/v2/<key>): keep only the first segment.
    const segments = u.pathname.split("/").filter(Boolean);
    if (segments.length > 1 || (segments[0] && segments[0].length >= 20))
      u.pathname = segments.length ? `/${segments[0]!.length >= 20 ? "***" : segments[0]}/***` : "/";
    return u.toString();
  } catch {
    return "[unparseable url]";
  }
}
