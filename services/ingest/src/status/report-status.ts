import { hostname } from "node:os";
import type { OperationalState } from "@chainlog/ports";
import type { RpcPool } from "@chainlog/rpc";
import { type Logger, redactUrl } from "@chainlog/telemetry";
import { type EndpointHealth, IngestStatus } from "@chainlog/tx-schema";
import type { Ingest } from "../ingest.ts";

export interface StatusReporterOptions {
  store: Pick<OperationalState, "putServiceStatus">;
  ingest: Pick<Ingest, "status">;
  pool: Pick<RpcPool, "failovers" | "featuresOff" | "permanentErrors">;
  /** POD_NAME on Kubernetes, else hostname:pid. */
  instance?: string;
  /** Whether this instance holds ingest's leader lease and publishes (default: always, no election). */
  isLeader?: () => boolean;
  intervalMs?: number;
  logger: Logger;
}

export function defaultInstance(podName?: string): string {
  return (podName?.trim() || `${hostname()}:${process.pid}`).slice(0, 200);
}

/** Error texts can quote the endpoint URL (fetch failures do): its key must not reach the status page. */
const redactUrls = (text: string) => text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>)]+/gi, (u) => redactUrl(u));

/** One IngestStatus from the ingest's and the pool's current state; validated, as it crosses a process. */
export function ingestStatusOf(
  ingest: Pick<Ingest, "status">,
  pool: Pick<RpcPool, "failovers" | "featuresOff" | "permanentErrors">,
  instance: string,
  now = Date.now(),
  leader = true,
): IngestStatus {
  const s = ingest.status();
  const head = s.head >= 0 ? s.head : null;
  const published = s.tip?.number ?? null;
  const best = Math.max(0, ...s.endpoints.map((e) => e.head));
  const endpoints: EndpointHealth[] = s.endpoints.slice(0, 64).map((e) => ({
    label: e.label.slice(0, 300),
    priority: Math.max(0, e.priority),
    healthy: e.healthy,
    // Before its first answer an endpoint's head is unknown (-1): shown as 0, a whole chain behind.
    head: Math.max(0, e.head),
    lag: e.head < 0 ? best : Math.max(0, e.lag),
    latencyMs: Math.max(0, e.latencyMs),
    consecutiveFailures: e.consecutiveFailures,
    rateLimitRps: e.rateLimitRps,
    lastError: e.lastError === null ? null : redactUrls(e.lastError).slice(0, 500),
  }));
  return IngestStatus.parse({
    service: "ingest",
    instance,
    updatedAt: now,
    // A standby (leader election on) follows the endpoints' health but publishes nothing.
    leader,
    head,
    published,
    lagBlocks: head !== null && published !== null ? Math.max(0, head - published) : null,
    failovers: pool.failovers(),
    lastProgressAt: s.lastProgressAt,
    endpoints,
    blockedBy: s.blockedBy === null ? null : redactUrls(s.blockedBy).slice(0, 500),
    featuresOff: pool
      .featuresOff()
      .slice(0, 64)
      .map((f) => ({ ...f, reason: redactUrls(f.reason).slice(0, 500) })),
    permanentErrors: pool
      .permanentErrors()
      .slice(0, 64)
      .map((p) => ({
        ...p,
        method: p.method.slice(0, 100),
        lastMessage: redactUrls(p.lastMessage).slice(0, 500),
      })),
  });
}

/**
 * Writes an IngestStatus into the store every interval (default 5 s), for /v1/status and the web status page.
 * A failed write is logged and retried at the next tick; it never disturbs ingest itself.
 */
export function createStatusReporter(options: StatusReporterOptions) {
  const instance = options.instance ?? defaultInstance();
  const intervalMs = options.intervalMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let failing = false;

  const report = async () => {
    try {
      await options.store.putServiceStatus(
        ingestStatusOf(options.ingest, options.pool, instance, Date.now(), options.isLeader?.() ?? true),
      );
      if (failing) options.logger.info("status report written again");
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, "status report failed");
      failing = true;
    }
  };

  const tick = () => {
    inFlight = report().finally(() => {
      inFlight = undefined;
      if (timer) timer = setTimeout(tick, intervalMs);
    });
  };

  return {
    instance,
    report,
    start() {
      if (timer) return;
      timer = setTimeout(tick, 0);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
