import type { IHeaders } from "kafkajs";

/** Kafka headers are bytes; the Bus port carries strings (UTF-8). Repeated headers keep the last value. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === "string" ? value : value.toString("utf8");
  }
  return out;
}
