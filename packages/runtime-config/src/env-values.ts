import { z } from "zod";
import { ConfigError } from "./config-error.ts";

/*
 * The value types environment variables share. A variable's one-line description and, where the schema's own
 * default is computed or not written the way the variable is, its default in words, travel with the schema (zod
 * metadata), so `chainlog config` and the validation error speak of the same thing.
 */

export interface VariableDoc {
  description: string;
  /** The default as a user would write or read it, where the schema has none or a computed one. */
  shownDefault?: string;
}

export function doc<T extends z.ZodType>(schema: T, description: string, shownDefault?: string): T {
  return schema.meta(shownDefault === undefined ? { description } : { description, shownDefault });
}

export const port = z.coerce.number().int().min(1).max(65535);

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte hex address")
  .transform((a) => a.toLowerCase());

export const csv = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

export const addressList = csv.pipe(z.array(address));

export const trueFalse = (fallback: "true" | "false") =>
  z
    .enum(["true", "false"])
    .default(fallback)
    .transform((v) => v === "true");

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "15s", "500ms", "1m" → milliseconds; "off" → 0 (no leader election). */
export function parseLeaseDuration(value: string): number {
  if (value.trim() === "off") return 0;
  const m = /^(\d+)\s*(ms|s|m)$/.exec(value.trim());
  if (!m) throw new ConfigError(`must be a duration like 15s, 500ms or 1m, or off; got "${value}"`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

export const leaseDuration = z
  .string()
  .transform((v, ctx) => {
    try {
      return parseLeaseDuration(v);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  })
  .refine((ms) => ms === 0 || (ms >= 1000 && ms <= 600_000), { error: "must be off or between 1s and 10m" });

const SINCE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** "180d", "12h", "30m" → seconds. */
export function parseSince(since: string): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(since.trim());
  if (!m) throw new ConfigError(`INGEST_SINCE must look like 180d, 12h or 30m, got "${since}"`);
  return Number(m[1]) * SINCE_UNITS[m[2]!]!;
}

export const sinceDuration = z.string().transform((v, ctx) => {
  try {
    return parseSince(v);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});
