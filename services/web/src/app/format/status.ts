import type { PipelineStatus } from "../api/routes.ts";
import { formatInteger } from "./units.ts";

/** Whether call traces are read and, when not, why (no processor reported: unknown). */
export function formatTraces(traces: PipelineStatus["traces"]): string {
  if (!traces) return "unknown (no processor report)";
  return traces.on ? "on" : `off: ${traces.reason ?? "no reason given"}`;
}

/** The nodes' permanent answers (never retried), per service and method, most frequent first. */
export function formatPermanentErrors(errors: PipelineStatus["permanentErrors"]): string {
  if (errors.length === 0) return "none";
  return [...errors]
    .sort((a, b) => b.count - a.count || a.method.localeCompare(b.method))
    .map((e) => `${e.method} (${e.service}): ${formatInteger(e.count)} × ${e.kind}: ${e.lastMessage}`)
    .join("; ");
}
