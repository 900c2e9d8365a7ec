import type { MetaStore, OperationalState, ReadModel } from "@chainlog/ports";
import type { IngestStatus, LakeStatus, ProcessorStatus } from "@chainlog/tx-schema";
import { StatusResponse } from "@chainlog/tx-schema";
import type { FastifyInstance } from "fastify";
import { readRoute } from "../http/read-route.ts";

/** Reports older than this are from instances that are gone (they report every 5 s). */
const REPORT_MAX_AGE_MS = 60_000;
const CHECK_TIMEOUT_MS = 2000;

interface Check {
  ok: boolean;
  detail?: string;
}

/** Settles within the timeout whatever the dependency does; a failure is a value, never a 5xx. */
async function settle<T>(what: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      what(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { value };
  } catch (error) {
    // The error's name or our timeout text only: driver messages can carry hosts and credentials.
    const e = error as Error;
    return { error: e.message?.startsWith("timed out") ? e.message : (e.name ?? "failed") };
  } finally {
    clearTimeout(timer);
  }
}

const asCheck = (r: { value: Check } | { error: string }): Check =>
  "value" in r
    ? { ok: r.value.ok, ...(r.value.detail ? { detail: r.value.detail } : {}) }
    : { ok: false, detail: r.error };

const maxOf = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
};

/** Pipeline status from what ingest and processor instances report into the store, plus our own checks. */
export function registerStatusRoutes(
  app: FastifyInstance,
  deps: { store: ReadModel & OperationalState; meta: MetaStore },
): void {
  readRoute(app, {
    url: "/v1/status",
    summary:
      "Pipeline status: chain head, newest stored block, index lag, ingest, processor and lake reports (last 60 s), consumer lag, store health",
    tags: ["operations"],
    response: StatusResponse,
    read: async () => {
      const { store, meta } = deps;
      const [statuses, latest, storeHealth, metaHealth] = await Promise.all([
        settle(() => store.getServiceStatuses(REPORT_MAX_AGE_MS)),
        settle(() => store.getLatestBlock()),
        settle(() => store.health()),
        settle(() => meta.health()),
      ]);
      const reports = "value" in statuses ? statuses.value : [];
      const ingest = reports.filter((r): r is IngestStatus => r.service === "ingest");
      const processor = reports.filter((r): r is ProcessorStatus => r.service === "processor");
      const lake = reports.filter((r): r is LakeStatus => r.service === "lake");
      const block = "value" in latest ? latest.value : null;
      const head = maxOf(ingest.map((r) => r.head));
      let storeCheck = asCheck(storeHealth);
      for (const failed of [statuses, latest])
        if ("error" in failed && storeCheck.ok) storeCheck = { ok: false, detail: failed.error };
      // every processor scans the same store: the most advanced report is the freshest
      const heights = processor
        .map((r) => r.heights ?? null)
        .reduce<ProcessorStatus["heights"] | null>(
          (best, h) => (h && (!best || h.raw + h.enriched > best.raw + best.enriched) ? h : best),
          null,
        );
      const featuresOff = [
        ...ingest.flatMap((r) => (r.featuresOff ?? []).map((f) => ({ ...f, service: "ingest" as const }))),
        ...processor.flatMap((r) =>
          (r.enrichment?.featuresOff ?? []).map((f) => ({ ...f, service: "processor" as const })),
        ),
      ];
      const permanentErrors = [
        ...ingest.flatMap((r) =>
          (r.permanentErrors ?? []).map((p) => ({ ...p, service: "ingest" as const })),
        ),
        ...processor.flatMap((r) =>
          (r.enrichment?.permanentErrors ?? []).map((p) => ({ ...p, service: "processor" as const })),
        ),
      ];
      // processors share one enrichment group: traces are read if any of them reads them
      const tracing = processor.map((r) => r.enrichment ?? null);
      const traces =
        processor.length === 0
          ? null
          : (tracing.find((t) => t?.traces?.on)?.traces ??
            tracing.find((t) => t?.traces)?.traces ?? {
              on: false,
              reason: tracing.some((t) => t !== null)
                ? "the processors did not say (an older version)"
                : "no processor runs the enrichment stage (PROCESSOR_ENRICH)",
            });
      return {
        head,
        latestStored: block ? { number: block.number, hash: block.hash, timestamp: block.timestamp } : null,
        indexLagBlocks: head !== null && block ? Math.max(0, head - block.number) : null,
        heights: heights ?? null,
        featuresOff,
        permanentErrors,
        traces,
        ingest,
        processor,
        lake,
        consumerLag: maxOf(processor.map((r) => r.consumerLag)),
        store: storeCheck,
        metaStore: asCheck(metaHealth),
        generatedAt: Date.now(),
      };
    },
  });
}
